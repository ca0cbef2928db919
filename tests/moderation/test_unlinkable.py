"""Moderating an anonymous post leaves no row that ties it to its author's account, yet the
author is still told, sanctioned and able to appeal, and facilitators still see the member's
reference and other flagged items."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation.members import member_for_reference
from forum.moderation.models import ActionLog, Flag, Sanction
from forum.moderation.reidentify import approve_reidentification, request_reidentification
from forum.notifications.models import Notification
from forum.posts.anonymity import member_reference
from forum.posts.models import Post
from tests.anonymity.helpers import anonymous_reply, anonymous_thread, make_board
from tests.conftest import post_form
from tests.factories import UserFactory, make_thread
from tests.moderation.helpers_review import (
    act,
    first_post,
    flashes,
    fresh,
    item_by_id,
    logged_in,
    main,
    report,
    text_of,
)

HIDE_REASON = "It names another member's workplace."
WARNING_REASON = "Please keep other members' details out of your posts."
MUTE_REASON = "A short pause after repeated warnings about personal details."
MESSAGE = "We hid your post; the rest of your thread is still there. How are you doing?"
REIDENTIFY_REASON = "A credible threat against another member was reported to the police."


@dataclass
class Case:
    author: User  # FernLantern, who posts anonymously
    reporter: User
    facilitator: User
    admins: tuple[User, User]
    post: Post  # FernLantern's anonymous opening post
    other_post: Post  # FernLantern's anonymous reply in someone else's thread
    item_id: int
    other_item_id: int


@pytest.fixture
def case(ctx) -> Case:  # type: ignore[no-untyped-def]
    board = make_board("allowed", slug="anxiety")
    author, reporter = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    facilitator = UserFactory(pseudonym="KeeperWren")
    admins = (UserFactory(is_admin=True), UserFactory(is_admin=True))
    grant_facilitator(facilitator, board)
    db.session.commit()
    post = first_post(anonymous_thread(board, author, "Nights are the hardest"))
    others = make_thread(board, reporter, "Their thread", "Hi all.")
    other_post = anonymous_reply(others, author, "Me too, most nights.")
    item = report(post, reporter, "personal_info")
    other_item = report(other_post, reporter, "guidelines")
    return Case(author, reporter, facilitator, admins, post, other_post, item.id, other_item.id)


def moderate_everything(app, case: Case) -> None:  # type: ignore[no-untyped-def]
    """Claim, hide with a reason, warn, mute, message the author, then break glass."""
    client = logged_in(app, case.facilitator)
    steps = [
        ("claim", {}),
        ("hide", {"reason": HIDE_REASON}),
        ("sanction", {"kind": "warning", "reason": WARNING_REASON}),
        ("sanction", {"kind": "mute", "reason": MUTE_REASON, "days": "3"}),
        ("message", {"message": MESSAGE}),
    ]
    for action, fields in steps:
        response = act(client, case.item_id, action, **fields)
        assert response.status_code == 302, (action, text_of(response))
    first, second = case.admins
    request = request_reidentification(first, case.post.id, REIDENTIFY_REASON)
    approve_reidentification(second, request.id)
    db.session.commit()


def anonymous_ids(case: Case) -> set[int]:
    return {case.post.id, case.other_post.id}


def test_review_items_of_anonymous_posts_keep_a_member_reference_and_no_author_id(case):
    for item_id in (case.item_id, case.other_item_id):
        item = item_by_id(item_id)
        assert item.author_id is None
        assert item.member_ref == member_reference(case.author.id)


def test_sanctions_caused_by_an_anonymous_post_keep_no_review_item(app, case):
    moderate_everything(app, case)

    fresh()
    sanctions = db.session.scalars(select(Sanction).order_by(Sanction.id)).all()
    assert [(s.user_id, s.kind) for s in sanctions] == [
        (case.author.id, "warning"), (case.author.id, "mute"),
    ]  # fmt: skip
    assert all(s.review_item_id is None for s in sanctions)
    assert db.session.get(User, case.author.id).is_muted()


def test_no_log_row_about_the_anonymous_post_names_its_author_but_break_glass(app, case):
    moderate_everything(app, case)

    fresh()
    rows = db.session.scalars(select(ActionLog).order_by(ActionLog.id)).all()
    about_post = [r for r in rows if r.post_id == case.post.id or r.review_item_id == case.item_id]
    assert [r.action for r in about_post] == [
        "hide", "sanction_warning", "sanction_mute", "reach_out", "reidentify_request",
        "reidentify",
    ]  # fmt: skip
    for row in about_post:
        details = json.loads(row.details)
        if row.action == "reidentify":  # break-glass names the member, by design
            assert row.subject_user_id == case.author.id
            continue
        assert row.subject_user_id is None, row.action
        assert "sanction_id" not in details, row.action  # a sanction row names the member
        assert details.get("member_ref") in {None, member_reference(case.author.id)}
    # Rows that name the member (none here but break-glass) name none of their posts.
    named = [r for r in rows if r.subject_user_id == case.author.id]
    assert [r.action for r in named] == ["reidentify"]


def test_no_notification_of_the_author_names_the_anonymous_post(app, case):
    moderate_everything(app, case)

    fresh()
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == case.author.id)
    ).all()
    assert {"post_hidden", "facilitator_message", "sanction_warning", "sanction_mute",
            "reidentified"} <= {n.kind for n in notes}  # fmt: skip
    for note in notes:
        assert note.post_id not in anonymous_ids(case), note.kind
        for post_id in anonymous_ids(case):
            assert f"/p/{post_id}" not in note.link + note.text, note.kind
    hidden = next(n for n in notes if n.kind == "post_hidden")
    assert hidden.sealed and HIDE_REASON not in hidden.text  # the words are sealed too
    assert hidden.shown_link == f"/p/{case.post.id}"  # while the member can still follow it


def test_the_author_still_sees_the_outcomes_and_sanctions_and_can_appeal(app, case):
    moderate_everything(app, case)
    client = logged_in(app, case.author)

    told = html.unescape(main(text_of(client.get("/notifications"))))
    assert f"A facilitator hid your post. The reason: {HIDE_REASON}" in told
    assert f"A message from the facilitators: {MESSAGE}" in told
    assert WARNING_REASON in told and MUTE_REASON in told

    record = html.unescape(main(text_of(client.get("/me/moderation"))))
    assert "<strong>Warning</strong>" in record and "<strong>Mute</strong>" in record
    assert f"The reason: {WARNING_REASON}" in record and f"The reason: {MUTE_REASON}" in record
    # The decisions about the anonymous post are listed too, found from the member's side.
    assert "<strong>hide</strong>" in record and HIDE_REASON in record
    assert f'href="/p/{case.post.id}"' in record
    # Nobody else's page lists them.
    theirs = html.unescape(text_of(logged_in(app, case.reporter).get("/me/moderation")))
    assert HIDE_REASON not in theirs and WARNING_REASON not in theirs

    fresh()
    warning = db.session.scalar(select(Sanction).where(Sanction.kind == "warning"))
    appealed = post_form(client, f"/me/sanctions/{warning.id}/appeal",
                         {"text": "I removed the workplace name straight away."},
                         page="/me/moderation")  # fmt: skip
    assert appealed.status_code == 302
    fresh()
    assert db.session.get(Sanction, warning.id).appeal_outcome == "pending"


def test_the_facilitator_sees_the_member_reference_and_other_flagged_items(app, case):
    client = logged_in(app, case.facilitator)
    ref = member_reference(case.author.id)

    shown = text_of(client.get(f"/review/{case.item_id}"))
    assert f"member reference <strong>{ref}</strong>" in shown
    assert f'href="/review/{case.other_item_id}"' in shown
    assert "FernLantern" not in main(shown)
    other = text_of(client.get(f"/review/{case.other_item_id}"))
    assert f'href="/review/{case.item_id}"' in other


def test_a_named_item_of_the_same_member_lists_no_anonymous_items(app, case):
    named = first_post(make_thread(case.post.thread.board, case.author, "Named", "Hello all."))
    named_item = report(named, case.reporter, "spam")

    assert (named_item.author_id, named_item.member_ref) == (case.author.id, None)
    shown = text_of(logged_in(app, case.facilitator).get(f"/review/{named_item.id}"))
    assert f'/review/{case.item_id}"' not in shown
    assert f'/review/{case.other_item_id}"' not in shown


def test_the_author_of_a_deleted_anonymous_post_is_found_by_member_reference(app, case):
    db.session.delete(db.session.get(Post, case.other_post.id))
    db.session.commit()
    assert member_for_reference(member_reference(case.author.id)).id == case.author.id
    assert member_for_reference("M-AAAAAA") is None
    page = text_of(logged_in(app, case.facilitator).get(f"/review/{case.other_item_id}"))
    assert f"by member reference <strong>{member_reference(case.author.id)}</strong>" in page

    response = act(logged_in(app, case.facilitator), case.other_item_id, "sanction", kind="note",
                   reason="A note about the post that is gone now.")  # fmt: skip
    assert response.status_code == 302
    fresh()
    [sanction] = db.session.scalars(select(Sanction)).all()
    assert (sanction.user_id, sanction.review_item_id) == (case.author.id, None)


def test_a_facilitator_cannot_act_on_their_own_anonymous_item_after_the_post_is_gone(app, case):
    grant_facilitator(case.author, case.post.thread.board)
    db.session.delete(db.session.get(Post, case.other_post.id))
    db.session.commit()

    response = act(logged_in(app, case.author), case.other_item_id, "claim")

    assert response.status_code == 409
    assert "This is your own post" in text_of(response)
    assert item_by_id(case.other_item_id).claimed_by_id is None


def test_reporting_ones_own_anonymous_post_is_refused(app, case):
    client = logged_in(app, case.author)
    response = post_form(client, f"/p/{case.other_post.id}/report", {"reason": "spam"},
                         page=f"/p/{case.other_post.id}/report")  # fmt: skip
    assert response.status_code == 302
    assert "You can't report your own post" in " ".join(
        flashes(text_of(client.get(response.headers["Location"], follow_redirects=True)))
    )
    fresh()
    assert len(db.session.scalars(select(Flag)).all()) == 2  # no new flag


# Screening reads the member's history without an author id on anonymous posts.

BURST_FLAG = "or more posts within 10 minutes"


def flag_reasons(post_id: int) -> list[str]:
    fresh()
    return list(db.session.scalars(select(Flag.reason).where(Flag.post_id == post_id)))


def test_a_burst_of_anonymous_posts_is_caught_and_others_posts_are_not_counted(
    app, ctx, run_worker
):
    board = make_board("allowed", slug="anxiety")
    author, other = UserFactory(), UserFactory()
    threads = [make_thread(board, UserFactory(), f"Thread {n}", "Hi.") for n in range(2)]
    for n in range(5):
        anonymous_reply(threads[n % 2], other, f"Someone else, {n}.")
    mine = anonymous_reply(threads[0], author, "My first reply.")
    assert run_worker() is True
    assert not any(BURST_FLAG in reason for reason in flag_reasons(mine.id))

    for n in range(5):  # six of the author's own anonymous posts, in two threads
        mine = anonymous_reply(threads[n % 2], author, f"And another thing, {n}.")
    assert run_worker() is True
    assert any(BURST_FLAG in reason for reason in flag_reasons(mine.id))


def test_a_first_anonymous_post_is_flagged_as_a_new_members(app, ctx, run_worker):
    board = make_board("allowed", slug="anxiety")
    author = UserFactory()
    opening = first_post(anonymous_thread(board, author))
    assert run_worker() is True
    assert "new member: first post on Kindred" in flag_reasons(opening.id)

    later = anonymous_reply(make_thread(board, UserFactory(), "Other", "Hi."), author, "Hello.")
    assert run_worker() is True
    assert "new member: first post on Kindred" not in flag_reasons(later.id)


def test_visible_anonymous_posts_count_towards_a_new_members_board_and_held_ones_do_not(ctx):
    open_board = make_board("allowed", slug="open")
    held_board = make_board("allowed", slug="held", moderation_mode="all")
    newcomers = make_board("allowed", slug="newcomers", moderation_mode="new-members",
                           new_member_posts=2)  # fmt: skip
    regular, newcomer = UserFactory(), UserFactory()
    for board, member in ((open_board, regular), (held_board, newcomer)):
        thread = anonymous_thread(board, member)
        anonymous_reply(thread, member, "A second post.")

    for member, state in ((regular, "visible"), (newcomer, "held")):
        thread = anonymous_thread(newcomers, member, "Hello, newcomers")
        fresh()
        assert db.session.get(Post, thread.first_post.id).state == state
