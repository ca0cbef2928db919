"""Facilitators add content warnings from the review queue with the same list as authors,
plus their own words; the action is logged and the post is folded for readers."""

from __future__ import annotations

import pytest

from tests.moderation.helpers_review import (
    act,
    build_scene,
    log_rows,
    logged_in,
    post_by_id,
    report,
    text_of,
)
from tests.posts.helpers import page_of
from tests.warnings.helpers import article, checked_values, folded, input_value


@pytest.fixture
def scene(ctx):  # type: ignore[no-untyped-def]
    return build_scene()


@pytest.fixture
def item(scene):  # type: ignore[no-untyped-def]
    return report(scene.post, scene.member, "harassment")


def test_the_item_page_offers_the_list_ticked_as_the_post_is(app, scene, item):
    from forum.extensions import db
    from forum.posts.models import Post

    post = db.session.get(Post, scene.post.id)
    post.set_content_warnings("abuse,loss", "an accident")
    db.session.commit()

    page = page_of(logged_in(app, scene.facilitator), f"/review/{item.id}")
    assert checked_values(page, "warning-themes") == ["abuse", "loss"]
    assert input_value(page, "warning-warning") == "an accident"
    assert 'value="substance-use"' in page
    assert "content warning: abuse, loss, an accident" in page


def test_a_facilitator_ticks_themes_and_adds_words(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    response = act(facilitator, item.id, "warning", themes=["suicide", "self-harm"],
                   warning="a method is named")  # fmt: skip

    assert response.status_code == 302
    post = post_by_id(scene.post.id)
    assert (post.content_warning_keys, post.content_warning) == (
        "self-harm,suicide",
        "a method is named",
    )
    assert [(r.action, r.reason) for r in log_rows()] == [
        ("content_warning", "self-harm, suicide, a method is named")
    ]
    shown = folded(article(page_of(logged_in(app, scene.member), f"/t/{scene.thread.id}"),
                           scene.post.id))  # fmt: skip
    assert shown is not None
    assert shown.summary == "Content warning: self-harm, suicide, a method is named (show post)"
    assert "cup of tea" in shown.inside


def test_free_text_alone_still_works_as_before(app, scene, item):
    act(logged_in(app, scene.facilitator), item.id, "warning", warning="loss of a pet")
    post = post_by_id(scene.post.id)
    assert (post.content_warning_keys, post.content_warning) == (None, "loss of a pet")


def test_the_facilitators_warning_replaces_the_authors(app, scene, item):
    from forum.extensions import db
    from forum.posts.models import Post

    db.session.get(Post, scene.post.id).set_content_warnings("eating", None)
    db.session.commit()
    act(logged_in(app, scene.facilitator), item.id, "warning", themes=["eating", "abuse"])
    assert post_by_id(scene.post.id).content_warnings == ["abuse", "eating"]

    act(logged_in(app, scene.facilitator), item.id, "warning")
    post = post_by_id(scene.post.id)
    assert post.content_warnings == []
    assert [r.reason for r in log_rows()] == ["abuse, eating", "removed"]


def test_an_unknown_theme_is_refused_and_changes_nothing(app, scene, item):
    response = act(logged_in(app, scene.facilitator), item.id, "warning", themes=["spiders"])
    assert response.status_code == 409
    assert "Please choose warnings from the list." in text_of(response)
    assert post_by_id(scene.post.id).content_warnings == []
    assert log_rows() == []
