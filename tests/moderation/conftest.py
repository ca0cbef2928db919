"""Fixtures for the moderation tests: the shipped rule set, compiled once, and the committed
forum of `helpers_review.build_scene` for the review tests."""

from __future__ import annotations

import pytest

from forum.moderation.models import ReviewItem
from forum.moderation.screening import RuleSet, default_rules
from tests.moderation.helpers_review import Scene, build_scene, report


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """The shipped rules, compiled once for every screening test module (it takes seconds)."""
    return RuleSet(default_rules())


@pytest.fixture
def scene(ctx) -> Scene:  # type: ignore[no-untyped-def]
    return build_scene()


@pytest.fixture
def item(scene: Scene) -> ReviewItem:
    """The open review item of the author's reply, reported by `member`."""
    return report(scene.post, scene.member, "harassment")
