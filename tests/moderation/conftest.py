"""Fixtures for the review tests: the committed forum of `helpers_review.build_scene`."""

from __future__ import annotations

import pytest

from forum.moderation.models import ReviewItem
from tests.moderation.helpers_review import Scene, build_scene, report


@pytest.fixture
def scene(ctx) -> Scene:  # type: ignore[no-untyped-def]
    return build_scene()


@pytest.fixture
def item(scene: Scene) -> ReviewItem:
    """The open review item of the author's reply, reported by `member`."""
    return report(scene.post, scene.member, "harassment")
