"""Data rights when anonymous posts keep no author id: the member's export still holds them
(and opens sealed notices), deletion still reaches them, What helped still asks their
author, and the demo data links none of them to an account."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.demo import large, small
from forum.extensions import db
from forum.library import services as library
from forum.moderation import actions, reports, sanctions
from forum.moderation.models import ReviewItem
from forum.notifications.models import Notification, ThreadFollow, ThreadRead
from forum.posts import services as posts
from forum.posts.anonymity import member_reference
from forum.posts.authorship import author_id_of, owner_tag, started, wrote
from forum.posts.models import Post, Thread
from forum.privacy.export import export_member_data_for_admin
from forum.privacy.services import DELETED_TEXT, erase_member
from tests.conftest import PASSWORD, login, post_form
from tests.factories import BoardFactory, UserFactory, make_reply
from tests.library import helpers as lib
from tests.posts.helpers import logged_in, page_of
from tests.privacy.helpers import Scene, build_scene, posts_in, references_to


def _hide_with_a_sanction(post_id: int, scene: Scene) -> int:
    """A facilitator hides the post after a report and warns its author; the item's id."""
    post, other = db.session.get(Post, post_id), db.session.get(User, scene.other_id)
    item_id = reports.report_post(post, other, "guidelines").review_item_id
    db.session.commit()
    facilitator = db.session.get(User, scene.facilitator_id)
    item = db.session.get(ReviewItem, item_id)
    actions.hide(item, facilitator, item.version, "Please keep names out of it.")
    db.session.commit()
    item = db.session.get(ReviewItem, item_id)
    sanctions.sanction_member(facilitator, item, item.version, "warning", "Names hurt.")
    db.session.commit()
    return item_id


def _exported(client, scene: Scene) -> dict:  # type: ignore[no-untyped-def, type-arg]
    login(client, scene.pseudonym)
    response = post_form(client, "/settings/export", {"export-password": PASSWORD},
                         page="/settings")  # fmt: skip
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_export_holds_anonymous_posts_their_revisions_log_and_opened_notices(client):
    scene = build_scene()
    reply = db.session.get(Post, scene.anonymous_reply_id)
    assert reply.author_id is None  # found by its owner tag, not by a column
    posts.edit_post(reply, "I cry sometimes, less than before.")
    db.session.commit()
    _hide_with_a_sanction(scene.anonymous_reply_id, scene)
    sealed = db.session.scalars(
        select(Notification).where(Notification.user_id == scene.member_id,
                                   Notification.kind == "post_hidden",
                                   Notification.sealed.is_(True))
    ).one()  # fmt: skip
    assert sealed.post_id is None and "hid your post" not in sealed.text

    data = _exported(client, scene)

    mine = {p["id"]: p for p in data["posts"]}
    opening = next(p for p in mine.values() if p["thread_id"] == scene.anonymous_thread_id)
    assert opening["anonymous"] and opening["opens_thread"]
    shown = mine[scene.anonymous_reply_id]
    assert shown["anonymous"] and shown["body"] == "I cry sometimes, less than before."
    assert [r["body"] for r in shown["revisions"]] == [
        "I cry sometimes.", "I cry sometimes, less than before.",
    ]  # fmt: skip
    assert {"action": "hide", "post_id": scene.anonymous_reply_id} in [
        {"action": e["action"], "post_id": e["post_id"]} for e in data["moderation_log"]
    ]
    assert "Names hurt." in [s["reason"] for s in data["sanctions"]]
    hidden = [(n["text"], n["link"]) for n in data["notifications"] if n["kind"] == "post_hidden"]
    assert ("A facilitator hid your post. The reason: Please keep names out of it.",
            f"/p/{scene.anonymous_reply_id}") in hidden  # fmt: skip


def test_the_admin_export_leaves_anonymous_posts_out_and_keeps_sanctions_without_posts(ctx):
    scene = build_scene()
    _hide_with_a_sanction(scene.anonymous_reply_id, scene)

    data = export_member_data_for_admin(db.session.get(User, scene.member_id))

    assert data["posts"] and not any(p["anonymous"] for p in data["posts"])
    anonymous = {scene.anonymous_reply_id, *(p.id for p in posts_in(scene.anonymous_thread_id))}
    assert not anonymous & {e["post_id"] for e in data["moderation_log"]}
    # Sanctions are on the account, as `user show` lists them: none names a post.
    assert sorted(s["reason"] for s in data["sanctions"]) == [
        "Names hurt.",
        "Please read the guidelines.",
    ]
    assert not any("post" in key for s in data["sanctions"] for key in s)


def _is_theirs(member_id: int) -> list[str]:
    """Every row that would still resolve to the member through the server's secret."""
    db.session.rollback()
    found = [f"post {p.id}" for p in db.session.scalars(select(Post))
             if author_id_of(p) == member_id or wrote(member_id, p)]  # fmt: skip
    found += [f"thread {t.id}" for t in db.session.scalars(select(Thread))
              if started(member_id, t)]  # fmt: skip
    reference = member_reference(member_id)
    found += [f"review item {i}" for i in db.session.scalars(
        select(ReviewItem.id).where(ReviewItem.member_ref == reference))]  # fmt: skip
    return found


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_deletion_leaves_nothing_that_resolves_to_the_member(client, choice):
    scene = build_scene()
    other = db.session.get(User, scene.other_id)
    answer = make_reply(db.session.get(Thread, scene.anonymous_thread_id), other, "I hear you.")
    _hide_with_a_sanction(scene.anonymous_reply_id, scene)
    assert _is_theirs(scene.member_id)
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == scene.member_id, Notification.sealed.is_(True)))  # fmt: skip
    login(client, scene.pseudonym)

    response = post_form(client, "/settings/delete",
                         {"delete-password": PASSWORD, "delete-posts": choice},
                         page="/settings")  # fmt: skip

    assert response.status_code == 302
    assert references_to(scene.member_id) == {}  # sealed notices went with the account
    assert _is_theirs(scene.member_id) == []
    thread = db.session.get(Thread, scene.anonymous_thread_id)
    assert thread is not None and thread.owner_tag is None and thread.author_id is None
    opening, kept_answer = posts_in(scene.anonymous_thread_id)
    assert (opening.owner_tag, opening.sealed_author) == (None, None)
    assert kept_answer.id == answer.id and author_id_of(kept_answer) == scene.other_id
    reply = db.session.get(Post, scene.anonymous_reply_id)
    if choice == "keep":
        assert reply.is_anonymous and reply.anon_alias and reply.body_source
        assert (reply.author_id, reply.owner_tag, reply.sealed_author) == (None, None, None)
        assert opening.body_source == "It is hard at home."
    else:
        assert reply is None
        assert thread.title == DELETED_TEXT and opening.body_source == DELETED_TEXT


def test_deleting_posts_takes_anonymous_threads_nobody_answered_and_keeps_others(ctx):
    board = BoardFactory()
    leaving, staying = UserFactory(), UserFactory()
    lone = posts.create_thread(board, leaving, "Only me", "Nobody answers.", anonymous=True)
    theirs = posts.create_thread(board, staying, "Also anonymous", "Hello.", anonymous=True)
    make_reply(theirs, leaving, "A named reply.")
    posts.create_reply(theirs, leaving, "An anonymous reply.", anonymous=True)
    db.session.commit()
    lone_id, theirs_id = lone.id, theirs.id

    erase_member(leaving, keep_posts=False)
    db.session.commit()

    assert db.session.get(Thread, lone_id) is None
    assert [(p.number, p.body_source) for p in posts_in(theirs_id)] == [(1, "Hello.")]
    assert started(staying, db.session.get(Thread, theirs_id))


# What helped


def test_what_helped_asks_and_tells_an_anonymous_author_through_sealed_notices(app, ctx):
    scene = lib.build_scene()

    entry = lib.nominated(scene.anon_post, scene.facilitator)

    [ask] = lib.notes_of(scene.anon_author, "library_consent")
    assert ask.sealed and ask.post_id is None
    assert "What helps you sleep?" not in ask.text and "What helps you sleep?" in ask.shown_text
    assert ask.shown_link == f"/what-helped/{entry.id}"
    author = logged_in(app, scene.anon_author)
    assert [row[1].id for row in library.entries_of(scene.anon_author.id)] == [scene.anon_post.id]
    assert f"/what-helped/{entry.id}" in page_of(author, "/me/what-helped")
    assert logged_in(app, scene.reader).get(f"/what-helped/{entry.id}").status_code == 404
    assert lib.answer(author, entry.id, "yes").status_code == 302
    assert lib.entry_of(scene.anon_post).state == "accepted"
    alias = lib.entry_of(scene.anon_post).post.anon_alias
    board = page_of(author, "/b/sleep/what-helped")
    assert lib.listed_posts(board) == [scene.anon_post.id]
    assert f'{alias} <span class="you">(you)</span>' in board
    assert "(you)" not in page_of(logged_in(app, scene.reader), "/b/sleep/what-helped")

    library.remove_entry(entry.id, scene.facilitator)
    db.session.commit()

    [told] = lib.notes_of(scene.anon_author, "library_removed")
    assert told.sealed and told.post_id is None
    assert told.shown_link == f"/p/{scene.anon_post.id}"
    assert "took your post" in told.shown_text and "took your post" not in told.text


def test_a_facilitator_cannot_suggest_their_own_anonymous_post(ctx):
    scene = lib.build_scene()
    own = posts.create_reply(scene.thread, scene.facilitator, "What helped me too.",
                             anonymous=True)  # fmt: skip
    db.session.commit()

    with pytest.raises(library.LibraryRefused, match="your own post"):
        library.nominate_post(own, scene.facilitator)


# Demo data


def _assert_no_account_is_tied_to_an_anonymous_post() -> None:
    db.session.rollback()
    everything = db.session.scalars(select(Post)).all()
    named = {(p.author_id, p.thread_id) for p in everything if p.author_id is not None}
    anonymous = [p for p in everything if p.is_anonymous]
    assert anonymous
    for post in anonymous:
        author = author_id_of(post)
        assert post.author_id is None and author is not None
        assert post.owner_tag == owner_tag(author, post.thread_id)
    for thread in db.session.scalars(select(Thread).where(Thread.is_anonymous.is_(True))):
        opening = next(p for p in everything if p.thread_id == thread.id and p.number == 1)
        assert thread.author_id is None and thread.owner_tag == opening.owner_tag
    for model in (ThreadFollow, ThreadRead):  # only members who posted under their name
        rows = db.session.execute(select(model.user_id, model.thread_id)).all()
        assert {tuple(row) for row in rows} <= named
    for item in db.session.scalars(select(ReviewItem)):
        post = next(p for p in everything if p.id == item.post_id)
        assert item.author_id == post.author_id
    for note in db.session.scalars(select(Notification).where(Notification.post_id.is_not(None))):
        assert not wrote(note.user_id, note.post) or not note.post.is_anonymous
    written = Counter(author_id_of(p) for p in everything)
    assert {u.id: u.posts_written for u in db.session.scalars(select(User))} == {
        u.id: written[u.id] for u in db.session.scalars(select(User))
    }


def test_the_small_demo_ties_no_anonymous_post_to_an_account(ctx):
    report = small.seed_small()
    db.session.commit()
    small.screen_flagged(report.flagged_revisions)
    db.session.commit()

    _assert_no_account_is_tied_to_an_anonymous_post()


def test_the_large_demo_ties_no_anonymous_post_to_an_account(ctx):
    boards = large.ensure_boards()
    db.session.commit()
    for _ in large.seed_large(large.Plan(posts=2_000), boards):
        db.session.commit()

    _assert_no_account_is_tied_to_an_anonymous_post()
