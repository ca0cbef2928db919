"""`flask forum log show|verify`: reading and checking the hash-chained action log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.db import utcnow
from forum.extensions import db
from forum.moderation.log import append_log
from forum.moderation.models import ActionLog
from tests.cli.conftest import json_of, ok, refused
from tests.factories import UserFactory


@pytest.fixture
def rows(ctx):  # type: ignore[no-untyped-def]
    admin = UserFactory(pseudonym="HeadAdmin", is_admin=True)
    member = UserFactory(pseudonym="FernLantern")
    append_log("hide", actor=admin, reason="Shared an address.", post_id=7, review_item_id=3,
               subject_user_id=member.id)  # fmt: skip
    append_log("sanction_mute", actor=admin, reason="Cooling off.", subject_user_id=member.id,
               details={"days": 2})  # fmt: skip
    append_log("approve", actor=None, post_id=9, review_item_id=4)
    db.session.commit()
    return admin


def test_show_prints_the_latest_rows_oldest_first_without_the_member(cli, rows):
    lines = ok(cli("log", "show")).output.strip().splitlines()

    assert len(lines) == 3
    assert lines[0].endswith("HeadAdmin hide post 7 review 3: Shared an address.")
    assert lines[1].endswith("HeadAdmin sanction_mute: Cooling off.")
    assert lines[2].endswith("system approve post 9 review 4")
    assert "FernLantern" not in "\n".join(lines)


def test_show_json_filters_and_limits(cli, rows):
    entries = json_of(ok(cli("log", "show", "--json")))
    assert [e["action"] for e in entries] == ["hide", "sanction_mute", "approve"]
    assert entries[1]["details"] == {"days": 2}
    assert set(entries[0]) == {"id", "created_at", "actor", "action", "review_item_id",
                               "post_id", "reason", "details", "hash"}  # fmt: skip

    only = json_of(ok(cli("log", "show", "--action", "hide", "--json")))
    assert [e["post_id"] for e in only] == [7]
    assert [e["action"] for e in json_of(ok(cli("log", "show", "--limit", "2", "--json")))] == [
        "sanction_mute", "approve",
    ]  # fmt: skip
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert json_of(ok(cli("log", "show", "--since", tomorrow, "--json"))) == []
    assert len(json_of(ok(cli("log", "show", "--since", "1h", "--json")))) == 3
    assert ok(cli("log", "show", "--since", tomorrow)).output.strip() == "No log rows match."


def test_verify_reports_in_json_and_fails_on_a_tampered_row(cli, rows):
    assert json_of(ok(cli("log", "verify", "--json"))) == {
        "ok": True, "checked": 3, "first_bad_id": None,
    }  # fmt: skip
    second = db.session.scalars(select(ActionLog).order_by(ActionLog.id)).all()[1]
    db.session.execute(update(ActionLog).where(ActionLog.id == second.id).values(reason="edited"))
    db.session.commit()

    result = cli("log", "verify", "--json")
    assert result.exit_code == 1
    assert json_of(result) == {"ok": False, "checked": 1, "first_bad_id": second.id}
    refused(cli("log", "verify"), f"Broken at row {second.id} after 1 good rows.")
