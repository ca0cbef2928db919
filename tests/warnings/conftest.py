"""Fixtures for the content-warning and muting tests."""

from __future__ import annotations

import pytest

from tests.warnings.helpers import Scene, build_scene


@pytest.fixture
def scene(ctx) -> Scene:  # type: ignore[no-untyped-def]
    return build_scene()
