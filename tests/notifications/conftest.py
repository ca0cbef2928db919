"""Fixtures for the notification tests."""

from __future__ import annotations

import pytest

from tests.notifications.helpers import Forum, make_forum


@pytest.fixture
def forum(ctx) -> Forum:  # type: ignore[no-untyped-def]
    """A committed board and four members (see `make_forum`)."""
    return make_forum()
