"""Following threads and boards: buttons that work without JavaScript, CSRF and login,
automatic follows for authors and repliers."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.notifications import follows
from tests.conftest import csrf_from, post_form
from tests.notifications.helpers import (
    answer,
    follows_board,
    follows_thread,
    kinds_of,
    logged_in,
    make_forum,
    start,
    text_of,
)


def test_thread_page_offers_a_follow_button_that_works_without_javascript(app, forum):
    thread = start(forum.board, forum.ash)
    dale = logged_in(app, forum.dale)
    page = text_of(dale.get(f"/t/{thread.id}"))
    assert f'<form method="post" action="/t/{thread.id}/follow" class="follow-form">' in page
    assert "Follow this thread" in page

    response = post_form(dale, f"/t/{thread.id}/follow", {}, page=f"/t/{thread.id}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{thread.id}"
    assert follows_thread(forum.dale, thread)
    page = text_of(dale.get(f"/t/{thread.id}"))
    assert f'action="/t/{thread.id}/unfollow"' in page
    assert "You follow this thread." in page


def test_unfollowing_a_thread_returns_to_the_same_page(app, forum):
    thread = start(forum.board, forum.ash)
    follows.follow_thread(forum.dale.id, thread.id)
    db.session.commit()
    dale = logged_in(app, forum.dale)

    response = post_form(dale, f"/t/{thread.id}/unfollow", {"page": "3"}, page=f"/t/{thread.id}")

    assert response.headers["Location"] == f"/t/{thread.id}?page=3"
    assert not follows_thread(forum.dale, thread)


def test_following_twice_keeps_one_follow(app, forum):
    thread = start(forum.board, forum.ash)
    dale = logged_in(app, forum.dale)
    url = f"/t/{thread.id}"
    for _ in range(2):
        assert post_form(dale, f"{url}/follow", {}, page=url).status_code == 302
    assert follows_thread(forum.dale, thread)


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_follow_buttons_without_a_csrf_token_are_refused(app, forum, action):
    thread = start(forum.board, forum.ash)
    was_following = action == "unfollow"
    if was_following:
        follows.follow_thread(forum.dale.id, thread.id)
        db.session.commit()
    dale = logged_in(app, forum.dale)

    response = dale.post(f"/t/{thread.id}/{action}", data={})

    assert response.status_code == 400
    assert follows_thread(forum.dale, thread) is was_following


def test_a_token_from_another_session_does_not_follow(app, forum):
    thread = start(forum.board, forum.ash)
    stranger = app.test_client()
    token = csrf_from(stranger, "/login")
    dale = logged_in(app, forum.dale)

    response = dale.post(f"/t/{thread.id}/follow", data={"csrf_token": token})

    assert response.status_code == 400
    assert not follows_thread(forum.dale, thread)


@pytest.mark.parametrize("path", ["/t/{thread}/follow", "/t/{thread}/unfollow",
                                  "/b/{slug}/follow", "/b/{slug}/unfollow"])  # fmt: skip
def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in(app, forum, path):
    thread = start(forum.board, forum.ash)
    visitor = app.test_client()
    token = csrf_from(visitor, "/login")

    url = path.format(thread=thread.id, slug=forum.board.slug)
    response = visitor.post(url, data={"csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_thread_nobody_else_may_see_cannot_be_followed(app, ctx):
    forum = make_forum(moderation_mode="all")  # the opening post is held: the thread is hidden
    thread = start(forum.board, forum.ash)
    dale = logged_in(app, forum.dale)
    token = csrf_from(dale, "/")

    for action in ("follow", "unfollow"):
        assert dale.post(f"/t/{thread.id}/{action}", data={"csrf_token": token}).status_code == 404
    assert dale.get(f"/t/{thread.id}/unread").status_code == 404
    assert dale.post("/t/987654/follow", data={"csrf_token": token}).status_code == 404
    assert not follows_thread(forum.dale, thread)


def test_board_page_follow_and_unfollow(app, forum):
    slug = forum.board.slug
    dale = logged_in(app, forum.dale)
    assert f'action="/b/{slug}/follow"' in text_of(dale.get(f"/b/{slug}"))

    response = post_form(dale, f"/b/{slug}/follow", {}, page=f"/b/{slug}")

    assert response.headers["Location"] == f"/b/{slug}"
    assert follows_board(forum.dale, forum.board)
    page = text_of(dale.get(f"/b/{slug}"))
    assert "You follow this board." in page
    post_form(dale, f"/b/{slug}/unfollow", {}, page=f"/b/{slug}")
    assert not follows_board(forum.dale, forum.board)
    token = csrf_from(dale, "/")
    assert dale.post("/b/no-such-board/follow", data={"csrf_token": token}).status_code == 404


def test_thread_authors_follow_their_own_threads_even_held(ctx):
    forum = make_forum(moderation_mode="all")
    held = start(forum.board, forum.ash, "Held for now")

    assert follows_thread(forum.ash, held)


def test_an_anonymous_opener_hears_of_replies_without_a_follow_row(forum):
    anonymous = start(forum.board, forum.birch, "Quietly", anonymous=True)
    reply = answer(anonymous, forum.ash)

    # A follow row would tie Birch to the thread; the notice is sealed instead.
    assert not follows_thread(forum.birch, anonymous)
    assert kinds_of(forum.birch, reply) == ["reply"]


def test_replying_follows_the_thread_unless_the_member_turned_it_off(forum):
    thread = start(forum.board, forum.ash)
    follows.save_preferences(forum.cedar.id, **dict.fromkeys(follows.PREFERENCE_FIELDS, True)
                             | {"auto_follow": False})  # fmt: skip
    db.session.commit()

    answer(thread, forum.birch)
    answer(thread, forum.cedar)

    assert follows_thread(forum.birch, thread)
    assert not follows_thread(forum.cedar, thread)


def test_an_anonymous_reply_does_not_follow_the_thread(app, forum):
    thread = start(forum.board, forum.ash)
    answer(thread, forum.birch, "Me too.", anonymous=True)

    assert not follows_thread(forum.birch, thread)  # a follow row would name the replier
    page = text_of(logged_in(app, forum.dale).get(f"/t/{thread.id}"))
    assert "Birch" not in page
    assert "Follow this thread" in page  # Dale sees only their own state
