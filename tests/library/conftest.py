"""Fixtures for the What helped tests."""

from __future__ import annotations

import pytest

from tests.library.helpers import Scene, build_scene


@pytest.fixture
def scene(ctx) -> Scene:  # type: ignore[no-untyped-def]
    return build_scene()
