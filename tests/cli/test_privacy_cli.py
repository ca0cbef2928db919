"""`flask forum export-user` and `purge --json`; `reidentify list`."""

from __future__ import annotations

import json
import stat
from datetime import timedelta

import pytest
from sqlalchemy import update

from forum.db import utcnow
from forum.extensions import db
from forum.moderation import reidentify
from forum.posts import services as posts
from forum.posts.models import Post
from tests.cli.conftest import json_of, ok, refused
from tests.factories import BoardFactory, UserFactory, make_thread


@pytest.fixture
def member(ctx):  # type: ignore[no-untyped-def]
    board = BoardFactory(slug="anxiety")
    fern = UserFactory(pseudonym="FernLantern")
    make_thread(board, fern, "Named thread", "Said under my name.")
    posts.create_thread(board, fern, "Secret thread", "Said anonymously.", anonymous=True)
    db.session.commit()
    return fern


def test_export_user_writes_the_members_data_without_anything_anonymous(cli, member, tmp_path):
    target = tmp_path / "fern.json"

    result = ok(cli("export-user", "FernLantern", str(target)))

    assert result.output.strip() == f"Wrote 1 named post and the account's data to {target}."
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["account"]["pseudonym"] == "FernLantern"
    assert [p["body"] for p in data["posts"]] == ["Said under my name."]
    assert "Secret thread" not in target.read_text(encoding="utf-8")
    assert "anonymous posts" in data["left_out"]
    assert "notifications" in data["left_out"] and "notifications" not in data
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_user_to_stdout_is_one_json_document(cli, member):
    data = json_of(ok(cli("export-user", "FernLantern", "-")))
    assert data["format"] == "kindred-member-data/1"
    assert all(not post["anonymous"] for post in data["posts"])


def test_export_user_asks_before_replacing_a_file(cli, member, tmp_path):
    target = tmp_path / "fern.json"
    target.write_text("keep me", encoding="utf-8")

    result = cli("export-user", "FernLantern", str(target), input="n\n")

    assert result.exit_code == 1
    assert f"{target} exists. Replace it?" in result.output
    assert target.read_text(encoding="utf-8") == "keep me"
    ok(cli("export-user", "FernLantern", str(target), "--yes"))
    assert json.loads(target.read_text(encoding="utf-8"))["account"]["pseudonym"] == "FernLantern"


def test_export_user_refuses_an_unknown_member_and_a_missing_folder(cli, member, tmp_path):
    refused(cli("export-user", "Nobody", str(tmp_path / "x.json")), "No member is called")
    result = cli("export-user", "FernLantern", str(tmp_path / "missing" / "x.json"))
    assert result.exit_code != 0
    assert result.output.strip().startswith("Error: ")
    assert len(result.output.strip().splitlines()) == 1


def test_purge_reports_in_json(cli, member):
    db.session.execute(update(Post).values(withdrawn_at=utcnow() - timedelta(days=40)))
    db.session.commit()

    data = json_of(ok(cli("purge", "--yes", "--json")))

    assert (data["posts"], data["revisions"]) == (2, 2)
    assert {post.body_source for post in db.session.scalars(db.select(Post))} == {""}


def test_reidentify_list_shows_waiting_requests(cli, member):
    admin = UserFactory(pseudonym="HeadAdmin", is_admin=True)
    post = db.session.scalars(db.select(Post).where(Post.is_anonymous.is_(True))).one()
    request = reidentify.request_reidentification(
        admin, post.id, "A credible threat to another member's safety."
    )
    db.session.commit()

    text = ok(cli("reidentify", "list")).output
    assert f"Request {request.id}: post {post.id}, asked by HeadAdmin" in text
    assert "FernLantern" not in text
    [row] = json_of(ok(cli("reidentify", "list", "--json")))
    assert (row["id"], row["post_id"], row["requested_by"]) == (request.id, post.id, "HeadAdmin")
