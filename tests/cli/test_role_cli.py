"""`flask forum role grant|revoke|list`: admins site-wide, facilitators per board."""

from __future__ import annotations

import json

import pytest

from forum.accounts.models import User
from forum.boards.services import is_facilitator
from forum.extensions import db
from forum.moderation.models import ActionLog
from tests.cli.conftest import count, json_of, ok, refused
from tests.factories import BoardFactory, UserFactory


@pytest.fixture
def people(ctx):  # type: ignore[no-untyped-def]
    boards = [BoardFactory(slug="anxiety", position=1), BoardFactory(slug="grief", position=2)]
    return {
        "admin": UserFactory(pseudonym="FirstAdmin", is_admin=True),
        "fern": UserFactory(pseudonym="FernLantern"),
        "otter": UserFactory(pseudonym="KindOtter"),
        "boards": boards,
    }


def test_grant_facilitator_on_a_board_is_logged_with_the_admin(cli, people):
    result = ok(cli("role", "grant", "fernlantern", "facilitator", "--board", "grief",
                    "--as", "FirstAdmin"))  # fmt: skip

    assert result.output.strip() == "FernLantern is now facilitator on 'grief'."
    fern = people["fern"]
    assert is_facilitator(fern, people["boards"][1].id)
    assert not is_facilitator(fern, people["boards"][0].id)
    [row] = db.session.scalars(db.select(ActionLog)).all()
    assert (row.action, row.actor_label, row.subject_user_id) == (
        "role_grant", "FirstAdmin", fern.id,
    )  # fmt: skip
    assert json.loads(row.details) == {"role": "facilitator", "board": "grief"}


def test_granting_twice_changes_nothing_more(cli, people):
    ok(cli("role", "grant", "FernLantern", "facilitator", "--board", "grief"))
    result = ok(cli("role", "grant", "FernLantern", "facilitator", "--board", "grief"))
    assert "already has the facilitator role on 'grief'; nothing to do." in result.output
    assert count(ActionLog) == 1


def test_grant_and_revoke_admin(cli, people):
    ok(cli("role", "grant", "KindOtter", "admin"))
    assert db.session.get(User, people["otter"].id).is_admin

    result = ok(cli("role", "revoke", "KindOtter", "admin"))
    assert result.output.strip() == "KindOtter is no longer admin."
    assert not db.session.get(User, people["otter"].id).is_admin
    assert [r.action for r in db.session.scalars(db.select(ActionLog))] == [
        "role_grant", "role_revoke",
    ]  # fmt: skip


def test_the_last_admin_cannot_be_revoked(cli, people):
    refused(cli("role", "revoke", "FirstAdmin", "admin"),
            "FirstAdmin is the only admin; grant the role to another first.")  # fmt: skip
    assert db.session.get(User, people["admin"].id).is_admin
    assert count(ActionLog) == 0


def test_revoke_facilitator_leaves_other_boards(cli, people):
    for slug in ("anxiety", "grief"):
        ok(cli("role", "grant", "FernLantern", "facilitator", "--board", slug))

    ok(cli("role", "revoke", "FernLantern", "facilitator", "--board", "anxiety"))

    fern, (anxiety, grief) = people["fern"], people["boards"]
    assert not is_facilitator(fern, anxiety.id)
    assert is_facilitator(fern, grief.id)
    again = ok(cli("role", "revoke", "FernLantern", "facilitator", "--board", "anxiety"))
    assert "does not have the facilitator role on 'anxiety'; nothing to do." in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nobody", "admin"], "No member is called 'Nobody'."),
        (["FernLantern", "facilitator"], "A facilitator role needs --board SLUG."),
        (["FernLantern", "admin", "--board", "grief"], "The admin role is site-wide; leave out"),
        (["FernLantern", "facilitator", "--board", "nope"], "No board has the slug 'nope'."),
    ],
)
def test_grant_refuses_bad_input_with_one_line(cli, people, args, message):
    refused(cli("role", "grant", *args), message)
    assert count(ActionLog) == 0


def test_an_unknown_role_is_a_usage_error(cli, people):
    result = cli("role", "grant", "FernLantern", "moderator")
    assert result.exit_code == 2
    assert "'moderator' is not one of 'facilitator', 'admin'" in result.output


def test_list_shows_admins_and_facilitators_in_text_and_json(cli, people):
    ok(cli("role", "grant", "FernLantern", "facilitator", "--board", "grief"))
    ok(cli("role", "grant", "KindOtter", "facilitator", "--board", "anxiety"))

    lines = ok(cli("role", "list")).output.strip().splitlines()
    assert [line.split() for line in lines] == [
        ["role", "board", "pseudonym"],
        ["admin", "-", "FirstAdmin"],
        ["facilitator", "anxiety", "KindOtter"],
        ["facilitator", "grief", "FernLantern"],
    ]
    assert json_of(ok(cli("role", "list", "--json"))) == {
        "admins": ["FirstAdmin"],
        "facilitators": [{"board": "anxiety", "pseudonym": "KindOtter"},
                         {"board": "grief", "pseudonym": "FernLantern"}],
    }  # fmt: skip
    only_grief = json_of(ok(cli("role", "list", "--board", "grief", "--json")))
    assert only_grief == {"admins": [], "facilitators": [{"board": "grief",
                                                          "pseudonym": "FernLantern"}]}  # fmt: skip
