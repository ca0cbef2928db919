"""Moderation: screening, flags, the review queue, actions and sanctions."""
