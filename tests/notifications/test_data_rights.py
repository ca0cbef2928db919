"""Follows, notification settings and read marks are in the member's export and go with
their account."""

from __future__ import annotations

import json

import pytest

from forum.extensions import db
from forum.notifications import follows
from forum.notifications.models import BoardFollow, NotificationPreference, ThreadFollow, ThreadRead
from tests.conftest import PASSWORD, post_form
from tests.notifications.helpers import answer, fresh, logged_in, make_forum, start


@pytest.fixture
def scene(app, ctx):  # type: ignore[no-untyped-def]
    """Dale follows a thread (by replying) and the board, read the thread, chose settings."""
    forum = make_forum()
    thread = start(forum.board, forum.ash, "Long evenings")
    answer(thread, forum.dale)
    follows.follow_board(forum.dale.id, forum.board)
    follows.save_preferences(forum.dale.id, replies=True, mentions=True)
    db.session.commit()
    client = logged_in(app, forum.dale)
    client.get(f"/t/{thread.id}")
    return forum, thread, client


def test_the_export_holds_follows_settings_and_read_marks(scene):
    forum, thread, client = scene

    response = post_form(client, "/settings/export", {"export-password": PASSWORD},
                         page="/settings")  # fmt: skip

    data = json.loads(response.get_data(as_text=True))
    assert [(t["thread_id"], t["title"]) for t in data["following"]["threads"]] == [
        (thread.id, "Long evenings")
    ]
    assert [b["board"] for b in data["following"]["boards"]] == [forum.board.slug]
    assert data["notification_settings"] == {
        "replies": True, "new_threads": False, "mentions": True, "reactions": False,
        "auto_follow": False,
    }  # fmt: skip
    assert data["read_marks"] == [
        {"thread_id": thread.id, "title": "Long evenings", "last_read_post_number": 2}
    ]


def test_deleting_the_account_removes_follows_settings_and_read_marks(scene):
    forum, _, client = scene
    dale_id = forum.dale.id

    response = post_form(client, "/settings/delete", {"delete-password": PASSWORD},
                         page="/settings")  # fmt: skip

    assert response.status_code == 302
    fresh()
    for model in (ThreadFollow, BoardFollow, ThreadRead, NotificationPreference):
        left = db.select(db.func.count()).select_from(model).where(model.user_id == dale_id)
        assert db.session.scalar(left) == 0, model.__tablename__
    # Ash's follow of their own thread is untouched.
    assert db.session.get(ThreadFollow, (forum.ash.id, scene[1].id)) is not None
