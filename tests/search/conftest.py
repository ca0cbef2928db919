"""Fixtures for the search tests."""

from __future__ import annotations

import pytest

from forum.accounts.models import User
from tests.factories import UserFactory


@pytest.fixture
def member(ctx) -> User:  # type: ignore[no-untyped-def]
    """A member with a generated pseudonym (test_page names its own)."""
    return UserFactory()
