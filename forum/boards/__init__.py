"""Boards: one per topic of shared experience, with their facilitators."""
