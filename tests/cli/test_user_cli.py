"""`flask forum user ...`: list, show, mute, suspend, reset a password, delete."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forum.accounts import services as accounts
from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.extensions import db
from forum.moderation.models import ActionLog, Sanction
from forum.notifications.models import Notification
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from tests.cli.conftest import count, json_of, ok, refused
from tests.conftest import PASSWORD
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


@pytest.fixture
def scene(ctx):  # type: ignore[no-untyped-def]
    board = BoardFactory(slug="anxiety")
    admin = UserFactory(pseudonym="HeadAdmin", is_admin=True)
    fern = UserFactory(pseudonym="FernLantern")
    otter = UserFactory(pseudonym="KindOtter")
    thread = make_thread(board, fern, "Named thread", "Hello all.")
    make_reply(thread, otter, "Welcome!")
    posts.create_thread(board, fern, "Quiet thread", "Said anonymously.", anonymous=True)
    db.session.commit()
    return {"board": board, "admin": admin, "fern": fern, "otter": otter, "thread": thread}


def fresh(user: User) -> User:
    return db.session.get(User, user.id)


def log_rows() -> list[ActionLog]:
    return list(db.session.scalars(select(ActionLog).order_by(ActionLog.id)))


def test_list_counts_named_posts_only(cli, scene):
    lines = ok(cli("user", "list")).output.strip().splitlines()
    assert lines[0].split() == ["pseudonym", "role", "joined", "named", "posts", "restricted"]
    fern_line = next(line for line in lines if line.startswith("FernLantern"))
    assert fern_line.split()[1] == "member"
    assert fern_line.split()[4] == "1"  # the anonymous thread is not counted

    data = json_of(ok(cli("user", "list", "--json")))
    by_name = {row["pseudonym"]: row for row in data}
    assert by_name["FernLantern"]["named_posts"] == 1
    assert by_name["HeadAdmin"]["role"] == "admin"
    assert [row["pseudonym"] for row in data] == ["FernLantern", "HeadAdmin", "KindOtter"]


def test_list_filters_by_role_and_restriction(cli, scene):
    ok(cli("role", "grant", "KindOtter", "facilitator", "--board", "anxiety"))
    ok(cli("user", "mute", "FernLantern", "--reason", "Cooling off.", "--days", "2"))

    def names(*args: str) -> list[str]:
        return [r["pseudonym"] for r in json_of(ok(cli("user", "list", *args, "--json")))]

    assert names("--role", "facilitator") == ["KindOtter"]
    assert names("--role", "member") == ["FernLantern"]
    assert names("--muted") == ["FernLantern"]
    assert names("--suspended") == []
    assert names("--limit", "1") == ["FernLantern"]
    assert ok(cli("user", "list", "--suspended")).output.strip() == "No member matches."


def test_show_tells_an_admin_what_they_need_and_nothing_anonymous(cli, scene):
    ok(cli("user", "mute", "FernLantern", "--reason", "Posted a phone number.", "--days", "1"))
    accounts.start_login_session(fresh(scene["fern"]), remember=False)
    db.session.commit()

    text = ok(cli("user", "show", "FernLantern")).output
    assert "named posts: 1" in text
    assert "login sessions: 1" in text
    assert "mute on" in text and "active" in text
    assert "Posted a phone number" not in text and "Quiet thread" not in text

    data = json_of(ok(cli("user", "show", "fernlantern", "--json")))
    assert (data["pseudonym"], data["role"], data["named_posts"]) == ("FernLantern", "member", 1)
    assert [s["kind"] for s in data["sanctions"]] == ["mute"]
    assert "reason" not in data["sanctions"][0]
    refused(cli("user", "show", "Nobody"), "No member is called 'Nobody'.")


def test_mute_restricts_posting_tells_the_member_and_logs_the_admin(cli, scene):
    result = ok(cli("user", "mute", "FernLantern", "--reason", "Please take a breather.",
                    "--days", "3", "--as", "HeadAdmin"))  # fmt: skip

    assert re.fullmatch(r"FernLantern is muted until \d{4}-\d\d-\d\d \d\d:\d\d UTC\. "
                        r"They were told why\.", result.output.strip())  # fmt: skip
    fern = fresh(scene["fern"])
    assert fern.is_muted()
    [sanction] = db.session.scalars(select(Sanction)).all()
    assert (sanction.kind, sanction.reason, sanction.review_item_id) == (
        "mute", "Please take a breather.", None,
    )  # fmt: skip
    [row] = log_rows()
    assert (row.action, row.actor_label, row.subject_user_id) == (
        "sanction_mute", "HeadAdmin", fern.id,
    )  # fmt: skip
    assert count(Notification, Notification.user_id == fern.id,
                 Notification.kind == "sanction_mute") == 1  # fmt: skip
    with pytest.raises(posts.PostRejected):
        posts.create_reply(scene["thread"], fern, "Can I still post?")

    ok(cli("user", "unmute", "FernLantern", "--reason", "Thanks for waiting."))
    assert not fresh(scene["fern"]).is_muted()
    assert log_rows()[-1].action == "lift_mute"


def test_mute_refuses_without_a_reason_or_with_bad_days(cli, scene):
    result = cli("user", "mute", "FernLantern")
    assert result.exit_code == 2 and "Missing option '--reason'" in result.output
    refused(cli("user", "mute", "FernLantern", "--reason", "x", "--days", "-4"),
            "A mute or suspension lasts 1 to 3,650 days.")  # fmt: skip
    assert count(Sanction) == 0 and not fresh(scene["fern"]).is_muted()


def test_suspend_asks_first_and_no_changes_nothing(cli, scene):
    accounts.start_login_session(fresh(scene["fern"]), remember=True)
    db.session.commit()

    result = cli("user", "suspend", "FernLantern", "--reason", "Harassment.", input="n\n")

    assert result.exit_code == 1
    assert "Suspend FernLantern for 7 days and log them out?" in result.output
    assert not fresh(scene["fern"]).is_suspended()
    assert count(LoginSession) == 1 and count(Sanction) == 0 and log_rows() == []


def test_suspend_logs_the_member_out_and_unsuspend_lifts_it(cli, scene):
    accounts.start_login_session(fresh(scene["fern"]), remember=True)
    db.session.commit()

    ok(cli("user", "suspend", "FernLantern", "--reason", "Harassment.", "--days", "14", "--yes"))

    fern = fresh(scene["fern"])
    assert fern.is_suspended()
    assert count(LoginSession, LoginSession.user_id == fern.id) == 0
    assert log_rows()[-1].action == "sanction_suspension"

    result = ok(cli("user", "unsuspend", "FernLantern"))
    assert result.output.strip() == "FernLantern's suspension is lifted. They were told."
    assert not fresh(scene["fern"]).is_suspended()
    assert db.session.scalars(select(Sanction)).one().lifted_at is not None
    assert log_rows()[-1].action == "lift_suspension"
    refused(cli("user", "unsuspend", "FernLantern"), "FernLantern has no active suspension.")


def test_reset_password_asks_first_and_no_keeps_everything(cli, scene):
    codes = accounts.issue_recovery_codes(fresh(scene["fern"]))
    db.session.commit()

    result = cli("user", "reset-password", "FernLantern", input="n\n")

    assert result.exit_code == 1
    assert accounts.authenticate("FernLantern", PASSWORD)
    assert count(RecoveryCode, RecoveryCode.code_hash == accounts._hash_code(codes[0])) == 1


def test_reset_password_prints_a_new_password_and_codes_once_and_ends_sessions(cli, scene):
    old_codes = accounts.issue_recovery_codes(fresh(scene["fern"]))
    accounts.start_login_session(fresh(scene["fern"]), remember=True)
    db.session.commit()

    result = ok(cli("user", "reset-password", "FernLantern", "--yes", "--as", "HeadAdmin"))

    password = re.search(r"New password for FernLantern \(shown once\): (\S+)", result.output)[1]
    new_codes = re.findall(r"^  (\S+)$", result.output, re.MULTILINE)
    assert len(new_codes) == 10
    assert accounts.authenticate("FernLantern", password).id == scene["fern"].id
    with pytest.raises(accounts.LoginFailed):
        accounts.authenticate("FernLantern", PASSWORD)
    assert count(LoginSession) == 0
    with pytest.raises(accounts.RecoveryFailed):
        accounts.reset_password_with_code("FernLantern", old_codes[0], "a brand new long password")
    assert accounts.reset_password_with_code("FernLantern", new_codes[0], "another long password")
    [row] = log_rows()
    assert (row.action, row.actor_label) == ("password_reset", "HeadAdmin")
    assert count(Notification, Notification.user_id == scene["fern"].id,
                 Notification.kind == "password_reset") == 1  # fmt: skip
    assert password not in row.details + row.reason


def test_reset_password_json_is_one_document(cli, scene):
    data = json_of(ok(cli("user", "reset-password", "KindOtter", "--yes", "--json")))
    assert set(data) == {"pseudonym", "password", "recovery_codes"}
    assert accounts.authenticate("KindOtter", data["password"])


def test_delete_asks_first_and_no_keeps_the_account(cli, scene):
    result = cli("user", "delete", "FernLantern", input="n\n")
    assert result.exit_code == 1
    assert "Delete the account FernLantern, keeping their posts as by a former member?" in (
        result.output
    )
    assert fresh(scene["fern"]) is not None
    assert count(Post) == 3


def test_delete_keeping_posts_leaves_them_with_no_author(cli, scene):
    fern_id = scene["fern"].id
    result = ok(cli("user", "delete", "FernLantern", "--yes"))

    assert result.output.strip() == (
        "The account FernLantern is deleted, keeping their posts as by a former member."
    )
    assert db.session.get(User, fern_id) is None
    assert count(Post) == 3 and count(Post, Post.author_id.is_(None)) == 2
    assert count(Post, Post.owner_tag.is_not(None)) == 0  # nor one only the server could read
    assert count(Thread, Thread.owner_tag.is_not(None)) == 0
    [row] = log_rows()
    assert row.action == "account_delete" and "FernLantern" not in row.details + row.reason


def test_delete_with_delete_posts_removes_their_posts(cli, scene):
    ok(cli("user", "delete", "FernLantern", "--delete-posts", "--yes"))

    assert count(User, User.pseudonym == "FernLantern") == 0
    left = db.session.scalars(select(Post).order_by(Post.id)).all()
    assert [(p.author_id, p.body_source) for p in left] == [
        (None, "[deleted by its author]"), (scene["otter"].id, "Welcome!"),
    ]  # fmt: skip
    assert count(Thread) == 1  # the anonymous thread nobody answered is gone


def test_the_only_admin_cannot_be_deleted(cli, scene):
    refused(cli("user", "delete", "HeadAdmin", "--yes"),
            "HeadAdmin is the only admin; grant the role to another first.")  # fmt: skip
    assert fresh(scene["admin"]) is not None
