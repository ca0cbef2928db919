"""Fixtures for the board tests."""

from __future__ import annotations

from tests.posts.helpers import ash, board  # noqa: F401 (shared fixtures)
