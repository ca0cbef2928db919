"""Notification settings: each kind can be turned off, moderation messages cannot, and a
break pauses the count without losing anything."""

from __future__ import annotations

import re

import pytest

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation import actions
from forum.moderation.models import ReviewItem
from forum.notifications import follows
from forum.notifications.services import notify
from forum.privacy.services import end_break, start_break
from tests.conftest import post_form
from tests.factories import UserFactory
from tests.notifications.helpers import (
    answer,
    fresh,
    kinds_of,
    logged_in,
    make_forum,
    start,
    text_of,
    unread_badge,
)

EVERYTHING_OFF = dict.fromkeys(follows.PREFERENCE_FIELDS, False)


def _checked(page: str, name: str) -> bool:
    """Whether the checkbox called `name` is ticked."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert match, f"no {name} checkbox"
    return "checked" in match.group(0)


def test_settings_page_links_to_notification_settings(app, forum):
    page = text_of(logged_in(app, forum.ash).get("/settings"))
    assert 'href="/settings/notifications"' in page


def test_everything_is_on_until_the_member_chooses(app, forum):
    page = text_of(logged_in(app, forum.ash).get("/settings/notifications"))
    for name in follows.PREFERENCE_FIELDS:
        assert _checked(page, name), name
    assert "can’t be turned off" in page


def test_saving_the_form_keeps_the_choices(app, forum):
    ash = logged_in(app, forum.ash)
    response = post_form(ash, "/settings/notifications",
                         {"mentions": "y", "auto_follow": "y"})  # fmt: skip
    assert response.status_code == 302
    page = text_of(ash.get("/settings/notifications"))
    assert [n for n in follows.PREFERENCE_FIELDS if _checked(page, n)] == [
        "mentions",
        "auto_follow",
    ]
    fresh()
    saved = follows.preferences_of(forum.ash.id)
    assert (saved.replies, saved.mentions, saved.auto_follow) == (False, True, True)


def test_the_form_needs_a_csrf_token_and_a_login(app, forum):
    ash = logged_in(app, forum.ash)
    assert ash.post("/settings/notifications", data={}).status_code == 400
    visitor = app.test_client()
    assert visitor.get("/settings/notifications").headers["Location"].startswith("/login")
    fresh()
    assert follows.preferences_of(forum.ash.id).replies is True


@pytest.mark.parametrize(
    ("off", "kind"),
    [("replies", "reply"), ("new_threads", "new_thread"), ("mentions", "mention"),
     ("reactions", "reaction")],
)  # fmt: skip
def test_notify_adds_nothing_for_a_kind_the_member_turned_off(forum, off, kind):
    follows.save_preferences(forum.dale.id, **(dict.fromkeys(follows.PREFERENCE_FIELDS, True)
                                               | {off: False}))  # fmt: skip
    assert notify(forum.dale.id, kind, "Something happened.") is None
    others = [k for k in ("reply", "new_thread", "mention", "reaction") if k != kind]
    assert all(notify(forum.dale.id, other, "Something else.") is not None for other in others)


def test_turned_off_kinds_are_not_delivered_from_real_posts(forum):
    follows.follow_board(forum.dale.id, forum.board)
    follows.save_preferences(forum.dale.id, **EVERYTHING_OFF)
    db.session.commit()
    thread = start(forum.board, forum.ash, "Hello @Dale")
    follows.follow_thread(forum.dale.id, thread.id)
    db.session.commit()
    answer(thread, forum.birch, "Hi @Dale")
    assert kinds_of(forum.dale) == []


def test_reactions_kind_is_one_per_member_and_post(forum):
    thread = start(forum.board, forum.ash)
    post = thread.first_post
    first = notify(forum.ash.id, "reaction", "Someone reacted to your post.", post_id=post.id)
    again = notify(forum.ash.id, "reaction", "Someone reacted to your post.", post_id=post.id)
    assert first is not None and again is None


@pytest.mark.parametrize("kind", ["post_approved", "post_hidden", "post_held",
                                  "facilitator_message", "sanction_warning"])  # fmt: skip
def test_moderation_messages_are_delivered_whatever_the_settings(forum, kind):
    follows.save_preferences(forum.ash.id, **EVERYTHING_OFF)
    assert notify(forum.ash.id, kind, "A facilitator did something.") is not None


def test_an_approval_reaches_a_member_who_turned_everything_off(ctx):
    forum = make_forum(moderation_mode="all")
    facilitator = UserFactory(pseudonym="Willow")
    grant_facilitator(facilitator, forum.board)
    follows.save_preferences(forum.ash.id, **EVERYTHING_OFF)
    thread = start(forum.board, forum.ash)
    item = db.session.scalar(
        db.select(ReviewItem).where(ReviewItem.post_id == thread.first_post.id)
    )

    actions.approve(item, facilitator, item.version)
    db.session.commit()

    assert "post_approved" in kinds_of(forum.ash)


def test_a_break_pauses_the_count_and_keeps_the_notifications(app, forum):
    thread = start(forum.board, forum.ash)
    start_break(forum.ash, "week")
    db.session.commit()
    answer(thread, forum.birch)
    ash = logged_in(app, forum.ash)

    home = text_of(ash.get("/"))
    assert unread_badge(home) is None
    page = text_of(ash.get("/notifications"))
    assert "You are on a break" in page
    assert "Birch replied in" in page
    assert kinds_of(forum.ash) == ["reply"]

    fresh()
    end_break(db.session.get(type(forum.ash), forum.ash.id))
    db.session.commit()
    assert unread_badge(text_of(ash.get("/"))) == "1"
