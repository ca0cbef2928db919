"""Two quiet ways to link an anonymous post to its author, closed: a facilitator acting on
their own post (others would see "claimed by" them), and exact seconds in page times."""

from __future__ import annotations

import re

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation.reports import report_post
from tests.anonymity.helpers import (
    act,
    anonymous_thread,
    first_post,
    items_of,
    logged_in,
    make_board,
    page,
    text_of,
)
from tests.factories import UserFactory


def test_a_facilitator_cannot_claim_or_act_on_their_own_anonymous_post(app, ctx):
    board = make_board()
    author, reporter = UserFactory(), UserFactory()
    grant_facilitator(author, board)
    db.session.commit()
    post = first_post(anonymous_thread(board, author))
    report_post(post, reporter, "guidelines")
    db.session.commit()
    [item] = items_of(post.id)

    response = act(logged_in(app, author), item.id, "claim")

    assert response.status_code == 409
    assert "This is your own post: another facilitator will handle it." in text_of(response)
    [item] = items_of(post.id)
    assert item.claimed_by_id is None


def test_times_in_pages_are_rounded_to_the_minute(app, ctx):
    board = make_board()
    thread = anonymous_thread(board, UserFactory())
    html = page(logged_in(app, UserFactory()), f"/t/{thread.id}")

    stamps = re.findall(r'datetime="([^"]+)"', html)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+00:00", s) for s in stamps), stamps
