"""Facilitator actions on one review item: claims and conflicts, approve, hide, restore,
redact, content warnings, thread actions, escalation, reaching out; and notifications."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation.actions import REACH_OUT_TEMPLATES
from forum.moderation.models import Flag, ReviewItem
from forum.notifications.models import Notification
from forum.posts import services as posts
from forum.posts.models import PostRevision, Thread
from tests.conftest import post_form
from tests.factories import UserFactory, make_reply
from tests.moderation.helpers_review import (
    HELD_TEXT,
    act,
    flashes,
    fresh,
    item_by_id,
    log_count,
    log_rows,
    logged_in,
    main,
    notifications_of,
    open_item,
    post_by_id,
    queue_item_ids,
    read_version,
    report,
    run_together,
    set_claimed_at,
    text_of,
    unread_badge,
)

REPORTED_NOTE = "A facilitator looked at the post you reported."


def thread_page(client, scene) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/t/{scene.thread.id}")
    assert response.status_code == 200
    return text_of(response)


def article(page: str, post_id: int) -> str:
    """The HTML of one post on a thread page ("" when it is not shown)."""
    match = re.search(rf'<article [^>]*id="p{post_id}".*?</article>', page, re.S)
    return match.group(0) if match else ""


# Claims and conflicts.


def test_a_facilitator_can_claim_an_item_and_others_see_who_has_it(app, scene, item):
    first = logged_in(app, scene.facilitator)
    response = act(first, item.id, "claim")
    assert response.status_code == 302
    assert item_by_id(item.id).claimed_by_id == scene.facilitator.id

    page = text_of(logged_in(app, scene.second_facilitator).get(f"/review/{item.id}"))
    assert f"{scene.facilitator.pseudonym} is handling this item right now." in page
    queue = text_of(logged_in(app, scene.admin).get("/review"))
    assert scene.facilitator.pseudonym in queue


def test_acting_on_an_item_claimed_by_someone_else_is_a_conflict_and_changes_nothing(
    app, scene, item
):
    act(logged_in(app, scene.facilitator), item.id, "claim")
    second = logged_in(app, scene.second_facilitator)

    response = act(second, item.id, "hide", reason="Unkind.")

    assert response.status_code == 409
    assert f"{scene.facilitator.pseudonym} is handling this item right now (claimed)." in flashes(
        text_of(response)
    )
    assert item_by_id(item.id).state == "open"
    assert post_by_id(scene.post.id).state == "visible"
    assert log_count() == 0
    assert notifications_of(scene.author) == []


@pytest.mark.parametrize(
    ("minutes_ago", "status", "state"),
    [(14, 409, "open"), (16, 302, "resolved")],
)
def test_a_claim_lasts_fifteen_minutes(app, scene, item, minutes_ago, status, state):
    act(logged_in(app, scene.facilitator), item.id, "claim")
    set_claimed_at(item.id, timedelta(minutes=minutes_ago))

    response = act(logged_in(app, scene.second_facilitator), item.id, "approve")

    assert response.status_code == status
    assert item_by_id(item.id).state == state
    assert len(log_rows(action="approve")) == (1 if state == "resolved" else 0)


def test_the_claimer_can_act_on_their_own_claim(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    act(facilitator, item.id, "claim")
    assert act(facilitator, item.id, "approve").status_code == 302
    resolved = item_by_id(item.id)
    assert (resolved.state, resolved.claimed_by_id) == ("resolved", None)


def test_releasing_a_claim_lets_others_act(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    act(facilitator, item.id, "claim")
    assert act(facilitator, item.id, "release").status_code == 302
    assert item_by_id(item.id).claimed_by_id is None
    assert act(logged_in(app, scene.second_facilitator), item.id, "approve").status_code == 302


def test_two_facilitators_acting_at_once_the_second_gets_a_conflict(app, scene, item):
    first = logged_in(app, scene.facilitator)
    second = logged_in(app, scene.second_facilitator)
    first_version = read_version(first, item.id, "approve")
    second_version = read_version(second, item.id, "hide")  # the same page, the same moment

    assert act(first, item.id, "approve", version=first_version).status_code == 302
    response = act(second, item.id, "hide", version=second_version, reason="Unkind.")

    assert response.status_code == 409
    assert "Another facilitator acted on this item while you were looking at it" in (
        " ".join(flashes(text_of(response)))
    )
    rows = log_rows()
    assert [(r.action, r.actor_id) for r in rows] == [("approve", scene.facilitator.id)]
    assert post_by_id(scene.post.id).state == "visible"
    assert item_by_id(item.id).resolution == "approved"


def test_two_facilitators_acting_at_the_same_moment_act_once(app, scene, item):
    first = logged_in(app, scene.facilitator)
    second = logged_in(app, scene.second_facilitator)
    item_id = item.id
    first_version = read_version(first, item_id, "approve")
    second_version = read_version(second, item_id, "hide")

    results = run_together(
        lambda: act(first, item_id, "approve", version=first_version),
        lambda: act(second, item_id, "hide", version=second_version, reason="Unkind."),
        hold=item_id,
    )

    assert sorted(r.status_code for r in results) == [302, 409]
    loser = next(r for r in results if r.status_code == 409)
    assert "Another facilitator acted on this item" in " ".join(flashes(text_of(loser)))
    [row] = log_rows()
    resolved = item_by_id(item_id)
    assert resolved.resolution == {"approve": "approved", "hide": "hidden"}[row.action]
    assert post_by_id(scene.post.id).state == ("hidden" if row.action == "hide" else "visible")


def test_a_form_sent_twice_acts_once(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    version = read_version(facilitator, item.id, "hide")
    assert act(facilitator, item.id, "hide", version=version, reason="Unkind.").status_code == 302
    assert act(facilitator, item.id, "hide", version=version, reason="Unkind.").status_code == 409
    assert len(log_rows()) == 1
    assert len([n for n in notifications_of(scene.author) if n.kind == "post_hidden"]) == 1


# Every action writes exactly one log row.


@pytest.mark.parametrize(
    ("action", "fields", "logged_action", "logged_reason"),
    [
        ("approve", {"reason": "Nothing wrong here."}, "approve", "Nothing wrong here."),
        ("hide", {"reason": "Please keep replies kind."}, "hide", "Please keep replies kind."),
        ("redact", {"text": "Edited text.", "reason": "A name removed."}, "redact",
         "A name removed."),
        ("warning", {"warning": "loss of a pet"}, "content_warning", "loss of a pet"),
        ("thread", {"action": "lock"}, "thread_lock", ""),
        ("thread", {"action": "pin"}, "thread_pin", ""),
        ("escalate", {"reason": "An admin should see this."}, "escalate",
         "An admin should see this."),
        ("message", {"message": "How are you doing?"}, "reach_out",
         "private message sent to the author"),
        ("sanction", {"kind": "warning", "reason": "Please be kind."}, "sanction_warning",
         "Please be kind."),
    ],
)  # fmt: skip
def test_each_action_writes_exactly_one_log_row(
    app, scene, item, action, fields, logged_action, logged_reason
):
    response = act(logged_in(app, scene.facilitator), item.id, action, **fields)

    assert response.status_code == 302
    rows = log_rows()
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor_id, row.actor_label) == (scene.facilitator.id, scene.facilitator.pseudonym)
    assert (row.action, row.reason) == (logged_action, logged_reason)
    assert (row.review_item_id, row.post_id) == (item.id, scene.post.id)
    assert row.subject_user_id == scene.author.id


def test_an_action_without_its_required_field_is_refused_and_logs_nothing(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    response = act(facilitator, item.id, "hide", reason="")
    assert response.status_code == 400
    assert "Please give a reason." in text_of(response)
    assert post_by_id(scene.post.id).state == "visible"
    assert log_count() == 0


def test_an_action_without_a_version_is_refused(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    response = post_form(facilitator, f"/review/{item.id}/approve", {}, page="/review")
    assert response.status_code == 400
    assert item_by_id(item.id).state == "open"


def test_an_unknown_action_is_404(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    response = post_form(facilitator, f"/review/{item.id}/delete", {}, page="/review")
    assert response.status_code == 404


# Approve.


def test_approving_a_held_post_makes_it_visible_and_tells_the_author(app, scene, run_worker):
    held_post = make_reply(scene.thread, scene.author, HELD_TEXT)
    assert run_worker()
    item = open_item(held_post)
    assert item is not None and post_by_id(held_post.id).state == "held"
    member = logged_in(app, scene.member)
    assert "Buy xanax online" not in thread_page(member, scene)

    assert act(logged_in(app, scene.facilitator), item.id, "approve").status_code == 302

    assert post_by_id(held_post.id).state == "visible"
    assert "Buy xanax online" in article(thread_page(member, scene), held_post.id)
    assert item_by_id(item.id).resolution == "approved"
    approved = [n for n in notifications_of(scene.author) if n.kind == "post_approved"]
    assert len(approved) == 1
    assert item.id not in queue_item_ids(text_of(logged_in(app, scene.admin).get("/review")))


def test_approving_tells_reporters_without_details_or_who_acted(app, scene, item):
    other_reporter = UserFactory()
    report(scene.post, other_reporter, "guidelines")

    act(logged_in(app, scene.facilitator), item.id, "approve", reason="It is fine.")

    for reporter in (scene.member, other_reporter):
        notes = notifications_of(reporter)
        assert [n.kind for n in notes] == ["report_outcome"]
        text = notes[0].text
        assert text.startswith(REPORTED_NOTE)
        for detail in ("approve", "It is fine.", scene.author.pseudonym,
                       scene.facilitator.pseudonym, "hidden"):  # fmt: skip
            assert detail not in text


@pytest.mark.parametrize(("action", "fields"), [("approve", {}), ("hide", {"reason": "No."})])
def test_acting_on_a_report_does_not_reveal_the_reporter_to_the_author(app, scene, action, fields):
    reporter = UserFactory(pseudonym="QuietReporter")
    item = report(scene.post, reporter, "harassment", "I am QuietReporter")
    act(logged_in(app, scene.facilitator), item.id, action, **fields)

    author = logged_in(app, scene.author)
    shown = f"<strong>{action}</strong>" in text_of(author.get("/me/moderation"))
    assert shown == (action == "hide")  # decisions that changed the post, not internal steps
    for path in ("/notifications", "/me/moderation", f"/t/{scene.thread.id}"):
        assert "QuietReporter" not in text_of(author.get(path)), path
    assert all("QuietReporter" not in n.text for n in notifications_of(scene.author))


# Hide and restore.


def test_hiding_shows_others_a_removal_note_and_the_author_the_reason(app, scene, item):
    assert act(logged_in(app, scene.facilitator), item.id, "hide",
               reason="Please keep replies kind.").status_code == 302  # fmt: skip

    others = article(thread_page(logged_in(app, scene.member), scene), scene.post.id)
    assert "This post was removed by a facilitator." in others
    assert "cup of tea" not in others
    assert scene.author.pseudonym not in others

    own = article(thread_page(logged_in(app, scene.author), scene), scene.post.id)
    assert "cup of tea" in own
    assert "Hidden by a facilitator. The reason: Please keep replies kind." in own

    hidden = [n for n in notifications_of(scene.author) if n.kind == "post_hidden"]
    assert [n.text for n in hidden] == [
        "A facilitator hid your post. The reason: Please keep replies kind."
    ]
    assert [n.kind for n in notifications_of(scene.member)] == ["report_outcome"]


def test_restoring_a_hidden_post_makes_it_visible_again(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    act(facilitator, item.id, "hide", reason="Unkind.")
    page = text_of(facilitator.get(f"/review/{item.id}"))
    assert f'action="/review/{item.id}/restore"' in page

    assert act(facilitator, item.id, "restore", reason="On reflection, fine.").status_code == 302

    post = post_by_id(scene.post.id)
    assert (post.state, post.hidden_reason) == ("visible", None)
    assert "cup of tea" in article(thread_page(logged_in(app, scene.member), scene), post.id)
    assert item_by_id(item.id).resolution == "restored"
    assert [r.action for r in log_rows()] == ["hide", "restore"]
    assert "A facilitator restored your post." in [n.text for n in notifications_of(scene.author)]


# Redact.

PHONE, EMAIL = "07700 900123", "sam.jones@example.com"


def _contact_details_post(scene, run_worker):  # type: ignore[no-untyped-def]
    """A reply whose every version holds contact details, screened and reported."""
    post = posts.create_reply(scene.thread, scene.author, f"Text me on {PHONE} any time.",
                              confirm_personal_info=True)  # fmt: skip
    db.session.commit()
    posts.edit_post(post, f"Text me on {PHONE} or email {EMAIL}.", confirm_personal_info=True)
    db.session.commit()
    assert run_worker()
    report(post, scene.member, "personal_info", f"they shared {PHONE}")
    return post


def _leaks(values: list[str]) -> list[str]:
    return [v for v in values if PHONE in v or EMAIL in v]


def test_redacting_replaces_the_text_and_purges_it_from_every_revision_and_flag(
    app, scene, run_worker
):
    post = _contact_details_post(scene, run_worker)
    item = open_item(post)
    assert _leaks([f.reason for f in db.session.scalars(select(Flag))])  # the setup leaks

    response = act(logged_in(app, scene.facilitator), item.id, "redact",
                   text="Message me here on Kindred instead.",
                   reason="Contact details removed to keep you safe.")  # fmt: skip

    assert response.status_code == 302
    fresh()
    redacted = post_by_id(post.id)
    assert redacted.body_source == "Message me here on Kindred instead."
    assert not _leaks([redacted.body_source, redacted.body_html])
    revisions = list(
        db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id))
    )
    assert len(revisions) == 2
    assert not _leaks([r.body_source for r in revisions] + [r.body_html for r in revisions])
    assert not _leaks([f.reason for f in db.session.scalars(select(Flag))])
    assert not _leaks(list(db.session.scalars(select(ReviewItem.snapshot_text))))
    assert not _leaks([text_of(logged_in(app, scene.author).get(f"/p/{post.id}/revisions"))])
    assert not _leaks([text_of(logged_in(app, scene.admin).get(f"/review/{item.id}"))])
    notes = [n.text for n in notifications_of(scene.author) if n.kind == "post_redacted"]
    assert notes == ["A facilitator edited your post. Their note: Contact details removed to "
                     "keep you safe."]  # fmt: skip


def test_redacting_purges_the_text_from_earlier_review_items_of_the_post(app, scene, run_worker):
    post = _contact_details_post(scene, run_worker)
    facilitator = logged_in(app, scene.facilitator)
    earlier = open_item(post)
    act(facilitator, earlier.id, "approve")  # resolved, its snapshot kept as history
    later = report(post, scene.second_facilitator, "guidelines")
    assert later.id != earlier.id

    act(facilitator, later.id, "redact", text="Message me here instead.", reason="Removed.")

    assert not _leaks([item_by_id(earlier.id).snapshot_text])
    assert not _leaks(list(db.session.scalars(select(ReviewItem.snapshot_text))))


# Content warning.


def test_a_content_warning_collapses_the_post_behind_details(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    act(facilitator, item.id, "warning", warning="loss of a pet")

    shown = article(thread_page(logged_in(app, scene.member), scene), scene.post.id)
    collapsed = re.search(r'<details class="content-warning">(.*?)</details>', shown, re.S)
    assert collapsed, "the post is not collapsed"
    assert "<summary>Content warning: loss of a pet" in collapsed.group(1)
    assert "cup of tea" in collapsed.group(1)
    assert "cup of tea" not in shown.replace(collapsed.group(0), "")

    act(facilitator, item.id, "warning", warning="")
    shown = article(thread_page(logged_in(app, scene.member), scene), scene.post.id)
    assert "content-warning" not in shown and "cup of tea" in shown
    assert [r.reason for r in log_rows()] == ["loss of a pet", "removed"]


# Thread actions.


def test_locking_the_thread_stops_replies(app, scene, item):
    act(logged_in(app, scene.facilitator), item.id, "thread", action="lock")

    assert db.session.get(Thread, scene.thread.id).is_locked
    member = logged_in(app, scene.member)
    assert "This thread is locked." in thread_page(member, scene)
    reply = post_form(member, f"/t/{scene.thread.id}/reply", {"body": "Hello?"},
                      page=f"/t/{scene.thread.id}")  # fmt: skip
    assert reply.status_code == 403


def test_pinning_and_unpinning_the_thread(app, scene, item):
    facilitator = logged_in(app, scene.facilitator)
    act(facilitator, item.id, "thread", action="pin")
    fresh()
    assert db.session.get(Thread, scene.thread.id).is_pinned
    act(facilitator, item.id, "thread", action="unpin")
    fresh()
    assert not db.session.get(Thread, scene.thread.id).is_pinned
    assert [r.action for r in log_rows()] == ["thread_pin", "thread_unpin"]


def test_moving_a_thread_to_a_board_the_facilitator_does_not_cover_is_refused(app, scene, item):
    response = act(logged_in(app, scene.facilitator), item.id, "thread", action="move",
                   board=scene.other_board.slug)  # fmt: skip

    assert response.status_code == 409
    assert "only move a thread to a board you facilitate" in text_of(response)
    fresh()
    assert db.session.get(Thread, scene.thread.id).board_id == scene.board.id
    assert log_rows() == []


def test_moving_the_thread_moves_it_and_its_item_to_the_other_board(app, scene, item):
    grant_facilitator(db.session.merge(scene.facilitator), db.session.merge(scene.other_board))
    db.session.commit()
    response = act(logged_in(app, scene.facilitator), item.id, "thread", action="move",
                   board=scene.other_board.slug)  # fmt: skip

    assert response.status_code == 302
    fresh()
    assert db.session.get(Thread, scene.thread.id).board_id == scene.other_board.id
    assert item_by_id(item.id).board_id == scene.other_board.id
    outsider_queue = text_of(logged_in(app, scene.outsider).get("/review"))
    assert queue_item_ids(outsider_queue) == [item.id]
    assert log_rows()[0].details == f'{{"board": "{scene.other_board.slug}"}}'


# Escalate.


def test_escalating_notifies_every_admin_and_marks_the_item(app, scene, item):
    second_admin = UserFactory(is_admin=True)

    act(logged_in(app, scene.facilitator), item.id, "escalate", reason="Possible threat.")

    assert item_by_id(item.id).escalated
    for admin in (scene.admin, second_admin):
        notes = notifications_of(admin)
        assert [(n.kind, n.link) for n in notes] == [("escalation", f"/review/{item.id}")]
        assert "Possible threat." in notes[0].text
    assert notifications_of(scene.facilitator) == []
    assert "escalated" in text_of(logged_in(app, scene.admin).get(f"/review/{item.id}"))


# Reach out.


def test_reaching_out_sends_the_author_a_private_message(app, scene, item):
    message = "We noticed your post. How are you doing tonight?"
    act(logged_in(app, scene.facilitator), item.id, "message", message=message)

    notes = [n for n in notifications_of(scene.author) if n.kind == "facilitator_message"]
    assert [n.text for n in notes] == [f"A message from the facilitators: {message}"]
    assert scene.facilitator.pseudonym not in notes[0].text
    page = text_of(logged_in(app, scene.author).get("/notifications"))
    assert message in page
    assert message not in log_rows()[0].reason  # private: the log only says one was sent
    assert notifications_of(scene.member) == []


def test_the_item_page_offers_message_templates(app, scene, item):
    page = text_of(logged_in(app, scene.facilitator).get(f"/review/{item.id}"))
    for key, template in REACH_OUT_TEMPLATES.items():
        assert f'<option value="{key}">' in page
        assert str(template).replace("'", "&#39;") in page


def test_reaching_out_with_a_template_sends_its_text(app, scene, item):
    act(logged_in(app, scene.facilitator), item.id, "message", template="check-in", message="")
    texts = [n.text for n in notifications_of(scene.author)]
    assert texts == [f"A message from the facilitators: {REACH_OUT_TEMPLATES['check-in']}"]


def test_reaching_out_with_no_message_is_refused(app, scene, item):
    response = act(logged_in(app, scene.facilitator), item.id, "message", message="")
    assert response.status_code == 409
    assert "Please write a message." in flashes(text_of(response))
    assert notifications_of(scene.author) == []
    assert log_count() == 0


# Notifications.


def _notify_author(app, scene, item) -> None:  # type: ignore[no-untyped-def]
    facilitator = logged_in(app, scene.facilitator)
    act(facilitator, item.id, "message", message="Checking in on you.")
    act(facilitator, item.id, "hide", reason="Please keep replies kind.")


def test_notifications_page_lists_the_members_notifications(app, scene, item):
    _notify_author(app, scene, item)
    page = main(text_of(logged_in(app, scene.author).get("/notifications")))
    assert "A message from the facilitators: Checking in on you." in page
    assert "A facilitator hid your post. The reason: Please keep replies kind." in page
    assert page.count('<span class="badge">New</span>') == 2
    other = main(text_of(logged_in(app, scene.second_facilitator).get("/notifications")))
    assert "Checking in on you." not in other


def test_header_shows_the_unread_count(app, scene, item):
    _notify_author(app, scene, item)
    author = logged_in(app, scene.author)
    assert unread_badge(text_of(author.get("/"))) == 2
    assert unread_badge(text_of(logged_in(app, scene.second_facilitator).get("/"))) == 0


def test_mark_all_as_read_clears_the_badge(app, scene, item):
    _notify_author(app, scene, item)
    author = logged_in(app, scene.author)

    response = post_form(author, "/notifications/read", {}, page="/notifications")

    assert response.status_code == 302
    page = text_of(author.get("/notifications"))
    assert unread_badge(page) == 0
    assert '<span class="badge">New</span>' not in page
    assert "Checking in on you." in page  # still listed, now read
    fresh()
    unread = select(Notification).where(
        Notification.user_id == scene.author.id, Notification.read_at.is_(None)
    )
    assert db.session.scalars(unread).all() == []


def test_mark_all_as_read_needs_the_csrf_token(app, scene, item):
    _notify_author(app, scene, item)
    author = logged_in(app, scene.author)

    response = author.post("/notifications/read", data={})

    assert response.status_code == 400
    assert unread_badge(text_of(author.get("/"))) == 2


def test_mark_all_as_read_needs_a_post(app, scene, item):
    _notify_author(app, scene, item)
    author = logged_in(app, scene.author)
    assert author.get("/notifications/read").status_code == 405
    assert unread_badge(text_of(author.get("/"))) == 2
