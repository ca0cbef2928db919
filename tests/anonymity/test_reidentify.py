"""Break-glass re-identification through `flask forum reidentify request|approve`: two
different admins, each step logged, the member told, nothing shown to anyone else."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db
from forum.moderation.log import verify_chain
from forum.moderation.models import ActionLog, Reidentification
from forum.moderation.reidentify import ReidentifyRefused, request_reidentification
from forum.notifications.models import Notification
from forum.posts.models import Post, Thread
from tests.anonymity.helpers import (
    anonymous_reply,
    anonymous_thread,
    first_post,
    fresh,
    logged_in,
    make_board,
    page,
)
from tests.conftest import PASSWORD
from tests.factories import UserFactory, make_thread

REASON = "A credible threat against another member was reported to the police."


@dataclass
class World:
    author: User  # FernLantern, who posts anonymously
    other: User  # MossGate, a member
    first_admin: User  # AdminOne
    second_admin: User  # AdminTwo
    thread: Thread  # FernLantern's anonymous thread
    post: Post  # FernLantern's anonymous reply in it
    named: Post  # MossGate's named opening post


@pytest.fixture
def world(ctx) -> World:  # type: ignore[no-untyped-def]
    board = make_board("allowed", slug="anxiety")
    author, other = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    first_admin = UserFactory(pseudonym="AdminOne", is_admin=True)
    second_admin = UserFactory(pseudonym="AdminTwo", is_admin=True)
    thread = anonymous_thread(board, author, "Nights are the hardest")
    post = anonymous_reply(thread, author, "Thank you for listening.")
    named = first_post(make_thread(board, other, "Their thread", "Hi all."))
    return World(author, other, first_admin, second_admin, thread, post, named)


@pytest.fixture
def cli(runner):  # type: ignore[no-untyped-def]
    """Run `flask forum reidentify ...` in-process, the password given on stdin."""

    def invoke(*args: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        result = runner.invoke(
            args=["forum", "reidentify", *args, "--password-stdin"], input=f"{password}\n"
        )
        fresh()
        return result

    return invoke


def _request(
    cli,
    post_id: int,
    admin: str = "AdminOne",
    reason: str = REASON,  # type: ignore[no-untyped-def]
    password: str = PASSWORD,
):
    return cli("request", str(post_id), "--reason", reason, "--admin", admin, password=password)


def _approve(cli, request_id: int, admin: str = "AdminTwo", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return cli("approve", str(request_id), "--admin", admin, password=password)


def _requested(cli, world: World) -> int:  # type: ignore[no-untyped-def]
    result = _request(cli, world.post.id)
    assert result.exit_code == 0, result.output
    match = re.search(r"Request (\d+) recorded", result.output)
    assert match, result.output
    return int(match.group(1))


def _log(action: str) -> list[ActionLog]:
    fresh()
    return list(db.session.scalars(select(ActionLog).where(ActionLog.action == action)))


def _notifications(user: User) -> list[Notification]:
    fresh()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def _state(request_id: int) -> str:
    fresh()
    return db.session.get(Reidentification, request_id).state


def test_two_different_admins_reidentify_and_only_the_approver_is_told_who(cli, world):
    requested = _request(cli, world.post.id)
    assert requested.exit_code == 0, requested.output
    assert "A second admin must approve it." in requested.output
    assert "FernLantern" not in requested.output
    request_id = int(re.search(r"Request (\d+) recorded", requested.output).group(1))
    [asked] = _log("reidentify_request")
    assert (asked.actor_id, asked.post_id, asked.reason) == (
        world.first_admin.id,
        world.post.id,
        REASON,
    )
    assert asked.subject_user_id is None  # asking does not record who it is
    assert _notifications(world.author) == []

    approved = _approve(cli, request_id)
    assert approved.exit_code == 0, approved.output
    assert "The author is: FernLantern." in approved.output
    stored = db.session.get(Reidentification, request_id)
    assert (stored.state, stored.decided_by_id) == ("approved", world.second_admin.id)
    [done] = _log("reidentify")
    assert (done.actor_id, done.subject_user_id, done.post_id, done.reason) == (
        world.second_admin.id,
        world.author.id,
        world.post.id,
        REASON,
    )
    assert verify_chain().ok


def test_member_is_notified_and_sees_the_reidentify_entry_with_the_reason(app, cli, world):
    assert _approve(cli, _requested(cli, world)).exit_code == 0

    [note] = _notifications(world.author)
    assert note.kind == "reidentified" and REASON in note.text and note.link == "/me/moderation"
    client = logged_in(app, world.author)
    record = html.unescape(page(client, "/me/moderation"))
    assert re.search(r"<strong>reidentify</strong>", record)
    assert REASON in record
    assert REASON in html.unescape(page(client, "/notifications"))


def test_nothing_about_a_reidentification_is_visible_to_anyone_else(app, cli, world):
    assert _approve(cli, _requested(cli, world)).exit_code == 0

    assert _notifications(world.other) == []
    for viewer in (world.other, world.first_admin, world.second_admin):
        client = logged_in(app, viewer)
        for url in ("/me/moderation", "/notifications", f"/t/{world.thread.id}", "/review"):
            response = client.get(url)
            shown = html.unescape(response.get_data(as_text=True))
            assert response.status_code in {200, 403}, url
            assert "FernLantern" not in shown and REASON not in shown, (viewer.pseudonym, url)
            assert "reidentif" not in shown.casefold(), (viewer.pseudonym, url)


def test_the_requesting_admin_cannot_approve_their_own_request(cli, world):
    request_id = _requested(cli, world)

    refused = _approve(cli, request_id, admin="AdminOne")
    assert refused.exit_code != 0
    assert "A second, different admin must approve this request." in refused.output
    assert "FernLantern" not in refused.output
    assert _state(request_id) == "pending"
    assert _log("reidentify") == [] and _notifications(world.author) == []


def test_a_member_who_is_not_an_admin_can_neither_request_nor_approve(cli, world):
    refused = _request(cli, world.post.id, admin="MossGate")
    assert refused.exit_code != 0 and "MossGate is not an admin." in refused.output
    assert db.session.scalar(select(func.count()).select_from(Reidentification)) == 0
    with pytest.raises(ReidentifyRefused, match="Only admins"):
        request_reidentification(world.other, world.post.id, REASON)

    request_id = _requested(cli, world)
    refused = _approve(cli, request_id, admin="MossGate")
    assert refused.exit_code != 0 and "FernLantern" not in refused.output
    assert _state(request_id) == "pending" and _log("reidentify") == []


def test_a_wrong_password_is_refused_at_either_step(cli, world):
    refused = _request(cli, world.post.id, password="not the right password")
    assert refused.exit_code != 0 and "The pseudonym or password is wrong." in refused.output
    assert _log("reidentify_request") == []

    request_id = _requested(cli, world)
    refused = _approve(cli, request_id, password="not the right password")
    assert refused.exit_code != 0 and "FernLantern" not in refused.output
    assert _state(request_id) == "pending" and _notifications(world.author) == []


@pytest.mark.parametrize("which", ["named post", "missing post"])
def test_only_an_anonymous_post_can_be_reidentified(cli, world, which):
    post_id = world.named.id if which == "named post" else 999_999

    refused = _request(cli, post_id)
    assert refused.exit_code != 0
    assert f"Post {post_id} is not an anonymous post." in refused.output
    assert _log("reidentify_request") == []


@pytest.mark.parametrize("reason", ["because", "   too short, sorry   ", ""])
def test_a_reason_shorter_than_twenty_characters_is_refused(cli, world, reason):
    refused = _request(cli, world.post.id, reason=reason)

    assert refused.exit_code != 0
    assert "at least 20 characters" in refused.output
    assert db.session.scalar(select(func.count()).select_from(Reidentification)) == 0


def test_an_approved_request_cannot_be_approved_again(cli, world):
    UserFactory(pseudonym="AdminThree", is_admin=True)
    request_id = _requested(cli, world)
    assert _approve(cli, request_id).exit_code == 0

    again = _approve(cli, request_id, admin="AdminThree")
    assert again.exit_code != 0 and f"Request {request_id} is not waiting" in again.output
    assert "FernLantern" not in again.output
    assert len(_log("reidentify")) == 1 and len(_notifications(world.author)) == 1
