"""Threads, posts and their revisions."""
