"""A copy of the database, without the server secret, ties no member to their anonymous
posts: not the post or thread rows, not review items, sanctions, log rows, notifications,
follows or library entries; yet the member still edits, is told, and exports them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.library import services as library
from forum.moderation import actions, reports, sanctions
from forum.moderation.models import ReviewItem, Sanction
from forum.notifications import follows
from forum.notifications.models import Notification
from forum.posts import services as posts
from forum.posts.authorship import anonymous_post_ids, anonymous_threads_started, wrote
from forum.posts.models import Post, Thread
from forum.reactions.services import toggle_reaction
from tests.anonymity.database import rows_linking
from tests.anonymity.helpers import anonymous_reply, anonymous_thread, first_post, fresh, make_board
from tests.factories import UserFactory

TITLE = "Nights without her"


def _item(post_id: int) -> ReviewItem:
    fresh()
    query = select(ReviewItem).where(ReviewItem.post_id == post_id, ReviewItem.state == "open")
    item = db.session.scalar(query)
    assert item is not None
    return item


@pytest.fixture
def scene(ctx, run_worker):  # type: ignore[no-untyped-def]
    """Member A writes only anonymously; others reply, react, report, moderate and ask."""
    board = make_board("allowed", slug="grief", name="Grief")
    a, b, c = (UserFactory(pseudonym=name) for name in ("QuietMarigold", "Birch", "Cedar"))
    facilitator = UserFactory(pseudonym="Willow")
    grant_facilitator(facilitator, board)
    for member in (a, c):  # they hear of new threads; A of their own too, like anyone
        follows.follow_board(member.id, board)
    db.session.commit()

    mine = anonymous_thread(board, a, TITLE, "The evenings are the worst part.")
    theirs = posts.create_thread(board, b, "Sunday walks", "Does anyone else walk on Sundays?")
    db.session.commit()
    elsewhere = anonymous_reply(theirs, a, "I do, by the river.")
    posts.create_reply(mine, b, "Sending warmth. The evenings get softer, slowly.")
    db.session.commit()
    again = anonymous_reply(mine, a, "Thank you, it helps to read that.")
    toggle_reaction(c, first_post(mine), "strength")
    posts.edit_post(db.session.get(Post, elsewhere.id), "I do, by the river, most weeks.")
    db.session.commit()
    run_worker()

    reports.report_post(db.session.get(Post, elsewhere.id), c, "guidelines")
    db.session.commit()
    item = _item(elsewhere.id)
    actions.reach_out(item, facilitator, item.version, "Checking in: how are you doing?")
    db.session.commit()
    item = _item(elsewhere.id)
    sanctions.sanction_member(facilitator, item, item.version, "warning", "Please be kind.")
    db.session.commit()
    item = _item(elsewhere.id)
    actions.hide(item, facilitator, item.version, "This one went off the topic.")
    db.session.commit()
    entry = library.nominate_post(first_post(mine), facilitator)
    db.session.commit()
    library.answer_suggestion(entry.id, a, accepted=True)
    db.session.commit()
    fresh()
    return SimpleNamespace(
        a=a, b=b, facilitator=facilitator, thread=mine,
        anonymous=[first_post(mine).id, elsewhere.id, again.id],
    )  # fmt: skip


def test_no_row_ties_the_member_to_their_anonymous_posts(scene):
    assert rows_linking(scene.a.id, scene.anonymous, [scene.thread.id], words=[TITLE]) == []
    for post_id in scene.anonymous:
        post = db.session.get(Post, post_id)
        assert post.author_id is None and post.sealed_author and post.owner_tag
    assert db.session.get(Thread, scene.thread.id).author_id is None


def test_two_anonymous_posts_in_different_threads_share_no_stored_value(scene):
    opening, elsewhere = (db.session.get(Post, i) for i in scene.anonymous[:2])
    assert opening.owner_tag != elsewhere.owner_tag
    assert opening.sealed_author != elsewhere.sealed_author  # random IVs: no equal ciphertext


def test_the_member_is_still_the_author_to_the_server(scene):
    posts_of_a = [db.session.get(Post, i) for i in scene.anonymous]
    assert all(wrote(scene.a, post) for post in posts_of_a)
    assert not any(wrote(scene.b, post) or wrote(scene.facilitator, post) for post in posts_of_a)
    assert sorted(anonymous_post_ids(scene.a.id)) == sorted(scene.anonymous)
    assert anonymous_threads_started(scene.a.id) == [scene.thread.id]
    assert anonymous_post_ids(scene.b.id) == []


def test_the_member_is_told_through_sealed_notices_they_can_read(scene):
    notes = list(db.session.scalars(select(Notification).where(Notification.user_id == scene.a.id)))
    shown = " | ".join(note.shown_text for note in notes)
    for words in ("A new reply", "sent strength", "could help others", "This one went off"):
        assert words in shown
    # Announcements every follower gets, and the sanction (which names no post), are plain.
    plain = {"new_thread", "sanction_warning"}
    about_their_posts = [note for note in notes if note.kind not in plain]
    assert [(n.kind, n.sealed) for n in about_their_posts if not n.sealed] == []
    assert len(about_their_posts) == 5
    assert all(TITLE not in note.text for note in about_their_posts)


def test_the_sanction_reaches_the_member_without_naming_the_post(scene):
    (sanction,) = db.session.scalars(select(Sanction).where(Sanction.user_id == scene.a.id))
    assert sanction.kind == "warning" and sanction.review_item_id is None


def test_the_check_finds_the_link_a_named_post_makes(scene):
    """The scan is not blind: a named post is tied to its author, as it should be."""
    named = db.session.scalar(select(Post).where(Post.author_id == scene.b.id))
    assert any(row.startswith("post:") for row in rows_linking(scene.b.id, [named.id], []))
