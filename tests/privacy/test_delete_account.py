"""Deleting the account: keep the posts anonymised, or delete them all; either way nothing
left in any table refers to the member."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db, get_jobs
from forum.moderation.models import Flag, ReviewItem
from forum.moderation.reports import report_post
from forum.posts.authorship import author_id_of
from forum.posts.models import Post, Thread
from forum.posts.services import withdraw_post
from forum.privacy import services
from tests.accounts.helpers import (
    client_with_cookies,
    cookie_value,
    field_errors,
    is_logged_in,
    user_by_id,
)
from tests.conftest import PASSWORD, login, post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.privacy.helpers import (
    build_scene,
    posts_in,
    references_to,
    revisions_of,
    user_columns,
)

# The account columns the scene fills, so the "nothing refers to them" check means something.
EVERY_KIND_OF_LINK = {
    "action_log.actor_id", "action_log.subject_user_id", "board_facilitator.user_id",
    "board_follow.user_id", "notification_preference.user_id", "thread_follow.user_id",
    "thread_read.user_id", "reaction.user_id",
    "library_entry.nominated_by_id", "mute_list.user_id",
    "bulk_action.actor_id", "flag.reporter_id", "login_session.user_id", "notification.user_id",
    "post.author_id", "recovery_code.user_id", "reidentification.decided_by_id",
    "reidentification.requested_by_id", "review_item.author_id", "review_item.claimed_by_id",
    "review_item.resolved_by_id", "sanction.created_by_id", "sanction.user_id",
    "thread.author_id",
}  # fmt: skip


def _delete(client, choice: str | None, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    data = {"delete-password": password}
    if choice is not None:
        data["delete-posts"] = choice
    return post_form(client, "/settings/delete", data, page="/settings")


def test_the_check_covers_every_column_that_refers_to_an_account(ctx):
    names = {f"{c.table.name}.{c.name}" for c in user_columns()}
    assert names == EVERY_KIND_OF_LINK


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_after_deletion_no_row_in_any_table_refers_to_the_member(client, choice):
    scene = build_scene()
    assert set(references_to(scene.member_id)) == EVERY_KIND_OF_LINK
    login(client, scene.pseudonym)

    response = _delete(client, choice)

    assert response.status_code == 302
    assert references_to(scene.member_id) == {}
    assert user_by_id(scene.member_id) is None


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_old_session_and_remember_cookies_stop_working(client, app, choice):
    scene = build_scene()
    login(client, scene.pseudonym, remember=True)
    copied = {
        "kindred": cookie_value(client, "kindred"),
        "kindred_remember": cookie_value(client, "kindred_remember"),
    }
    assert is_logged_in(client_with_cookies(app, copied))

    _delete(client, choice)

    assert "Your account is deleted." in client.get("/").get_data(as_text=True)
    assert not is_logged_in(client)
    for name, value in copied.items():
        assert not is_logged_in(client_with_cookies(app, {name: value}))


def test_keeping_posts_keeps_every_post_and_revision_with_no_author(client):
    scene = build_scene()
    login(client, scene.pseudonym)

    _delete(client, "keep")

    for thread_id in (scene.shared_thread_id, scene.solo_thread_id, scene.anonymous_thread_id):
        thread = db.session.get(Thread, thread_id)
        assert thread is not None and thread.author_id is None
    shared = posts_in(scene.shared_thread_id)
    assert [p.body_source for p in shared] == [
        "I walked to the shop today.",
        "That is a real step. Well done.",
        "Thank you, it helped to say it.",
    ]
    assert shared[0].author_id is None and shared[2].author_id is None
    assert shared[1].author_id == scene.other_id
    assert len(revisions_of(scene.edited_reply_id)) == 2
    anonymous = db.session.get(Post, scene.anonymous_reply_id)
    assert anonymous.is_anonymous and anonymous.author_id is None


def test_deleting_posts_deletes_threads_nobody_else_posted_in(client):
    scene = build_scene()
    login(client, scene.pseudonym)

    _delete(client, "delete")

    db.session.rollback()
    assert db.session.get(Thread, scene.solo_thread_id) is None
    assert db.session.get(Thread, scene.anonymous_thread_id) is None
    assert posts_in(scene.solo_thread_id) == []


def test_deleting_posts_keeps_others_replies_under_a_deleted_opening(client):
    scene = build_scene()
    login(client, scene.pseudonym)

    _delete(client, "delete")

    thread = db.session.get(Thread, scene.shared_thread_id)
    assert thread.title == "[deleted by its author]"
    shared = posts_in(scene.shared_thread_id)
    assert [(p.number, p.body_source) for p in shared] == [
        (1, "[deleted by its author]"),
        (2, "That is a real step. Well done."),
    ]
    assert "[deleted by its author]" in shared[0].body_html
    assert revisions_of(scene.shared_opening_id) == []
    assert len(revisions_of(scene.other_reply_in_shared_id)) == 1
    assert thread.post_count == 3  # numbers are never reused


def test_deleting_posts_removes_replies_elsewhere_and_leaves_others_posts(client, app):
    scene = build_scene()
    login(client, scene.pseudonym)
    others_before = [p.body_source for p in posts_in(scene.others_thread_id)
                     if author_id_of(p) == scene.other_id]  # fmt: skip

    _delete(client, "delete")

    left = posts_in(scene.others_thread_id)
    for post_id in (scene.edited_reply_id, scene.anonymous_reply_id, scene.hidden_reply_id):
        assert db.session.get(Post, post_id) is None
    assert [p.body_source for p in left] == others_before
    assert "I read a little" not in _thread_page(app, scene)


def _thread_page(app, scene) -> str:  # type: ignore[no-untyped-def]
    reader = app.test_client()
    login(reader, db.session.get(User, scene.other_id).pseudonym)
    return reader.get(f"/t/{scene.others_thread_id}").get_data(as_text=True)


def test_deleting_posts_blanks_the_moderation_copies_of_their_words(client):
    scene = build_scene()
    other = db.session.get(User, scene.other_id)
    edited = db.session.get(Post, scene.edited_reply_id)
    report_post(edited, other, "guidelines", "they said I read a little")
    db.session.commit()
    login(client, scene.pseudonym)

    _delete(client, "delete")

    db.session.rollback()
    assert not db.session.scalars(
        select(ReviewItem).where(ReviewItem.snapshot_text.contains("I read a little"))
    ).all()
    assert not db.session.scalars(
        select(ReviewItem).where(ReviewItem.snapshot_text.contains("breaks a guideline"))
    ).all()
    reasons = db.session.scalars(select(Flag.reason)).all()
    assert not any("I read a little" in reason for reason in reasons)
    assert 'report: it breaks the community guidelines (reporter\'s note: "[purged]")' in reasons


def test_deleting_posts_recounts_the_boards(client, run_worker):
    scene = build_scene()
    login(client, scene.pseudonym)

    _delete(client, "delete")

    assert get_jobs().queue.fetch_job(f"recount-board-{scene.board_id}") is not None
    assert run_worker()
    db.session.rollback()
    board = db.session.get(Board, scene.board_id)
    visible = db.session.scalars(
        select(Post).join(Thread).where(Thread.board_id == board.id, Post.state == "visible",
                                        Post.withdrawn_at.is_(None), Thread.is_hidden.is_(False))
    ).all()  # fmt: skip
    assert board.post_count == len(visible)
    assert board.thread_count == 2  # the shared thread and the other member's


def test_a_thread_whose_last_post_was_removed_takes_the_time_of_the_last_one_left(ctx):
    board = BoardFactory()
    leaving, staying = UserFactory(), UserFactory()
    thread = make_thread(board, staying, "Mornings", "How are mornings for you?")
    kept = make_reply(thread, staying, "Mine are slow.")
    make_reply(thread, leaving, "Mine are slow too.")
    thread_id, kept_at = thread.id, kept.created_at

    services.delete_member(leaving, PASSWORD, keep_posts=False)
    db.session.commit()

    assert db.session.get(Thread, thread_id).last_post_at == kept_at


def test_deleting_posts_costs_the_same_statements_for_any_number_of_posts(ctx):
    board = BoardFactory()
    few, many, other = UserFactory(), UserFactory(), UserFactory()
    for author, count in ((few, 1), (many, 30)):
        mine = make_thread(board, author, "My thread", "Opening words.")
        theirs = make_thread(board, other, "Their thread", "Opening words.")
        for n in range(count):
            make_reply(theirs, author, f"Reply {n}.")
            make_reply(mine, author, f"Own reply {n}.")
            withdraw_post(make_reply(theirs, author, f"Withdrawn {n}."))
        make_reply(mine, other, "A reply from someone else.")
    db.session.commit()

    counts = [_statements(lambda u=user: services.remove_posts_of(u.id)) for user in (few, many)]

    assert counts[0] == counts[1]
    assert db.session.scalars(select(Post).where(Post.author_id == many.id)).all() == [
        *db.session.scalars(select(Post).where(Post.author_id == many.id, Post.number == 1))
    ]


def _statements(action) -> int:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
        db.session.flush()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_deletion_needs_the_password(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    before = references_to(scene.member_id)

    response = _delete(client, "delete", "not my password")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_errors(page, "delete-password") == ["Your password is not right."]
    assert references_to(scene.member_id) == before
    assert len(posts_in(scene.solo_thread_id)) == 2
    assert is_logged_in(client)


def test_deletion_needs_a_csrf_token(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    response = client.post(
        "/settings/delete", data={"delete-password": PASSWORD, "delete-posts": "delete"}
    )
    assert response.status_code == 400
    assert user_by_id(scene.member_id) is not None


def test_an_unknown_choice_is_refused(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    response = _delete(client, "everything")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "delete-posts") == ["Not a valid choice."]
    assert user_by_id(scene.member_id) is not None


def test_without_a_choice_the_posts_are_kept(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    assert _delete(client, None).status_code == 302
    assert len(posts_in(scene.solo_thread_id)) == 2


def test_settings_page_offers_both_choices_with_keep_preselected(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    page = client.get("/settings").get_data(as_text=True)
    assert (
        '<input checked id="delete-posts-0" name="delete-posts" type="radio" value="keep">' in page
    )
    assert '<input id="delete-posts-1" name="delete-posts" type="radio" value="delete">' in page
    assert "Delete all my posts" in page
