"""`flask forum stats` and `flask forum check`, the latter against a real running worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from forum import create_app
from forum.config import REPO_ROOT
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.queue import add_flag, open_item_for
from forum.posts.models import Post
from tests.cli.conftest import json_of, ok
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


@pytest.fixture
def forum(ctx):  # type: ignore[no-untyped-def]
    board = BoardFactory(slug="anxiety")
    fern, otter = UserFactory(is_admin=True), UserFactory()
    thread = make_thread(board, fern, "A thread", "Opening post.")
    make_reply(thread, otter, "A reply.")
    old = make_reply(thread, otter, "An older reply.")
    db.session.execute(
        update(Post).where(Post.id == old.id).values(created_at=utcnow() - timedelta(days=2))
    )
    db.session.commit()
    return thread


def overdue_item(thread, lane: str = "crisis", age: timedelta = timedelta(hours=1)) -> None:  # type: ignore[no-untyped-def]
    """An open review item in `lane` waiting for `age`."""
    item = open_item_for(thread.first_post)
    add_flag(item, thread.first_post, source="system", category="crisis", lane=lane,
             reason="a test flag")  # fmt: skip
    db.session.flush()
    item.created_at = utcnow() - age
    db.session.commit()


def test_stats_reports_members_posts_per_day_and_the_queue(cli, forum):
    overdue_item(forum)

    data = json_of(ok(cli("stats", "--days", "3", "--json")))

    assert data["members"]["total"] == 2 and data["members"]["admins"] == 1
    assert (data["threads"], data["posts"], data["boards"]) == (1, 3, 1)
    days = data["posts_per_day"]
    assert [d["posts"] for d in days] == [1, 0, 2]
    assert days[-1]["day"] == utcnow().date().isoformat()
    assert data["queue"]["crisis"]["open"] == 1
    assert data["queue"]["crisis"]["overdue"] == 1
    assert 59 <= data["queue"]["crisis"]["oldest_age_minutes"] <= 61
    assert data["screening"]["backlog"] == 3  # no worker has screened the posts yet
    assert data["jobs"]["worker_alive"] is False

    text = ok(cli("stats", "--days", "3")).output
    assert "Members: 2 (2 joined in the last 7 days; 1 admins; 0 muted, 0 suspended)" in text
    assert "Posts: 3" in text
    assert "crisis      1     60 min      1" in text
    assert "Screening backlog: 3" in text


def test_check_fails_without_a_worker_and_with_an_overdue_item(cli, forum):
    overdue_item(forum)

    result = cli("check")

    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    names = [line[6:19].strip() for line in lines]
    assert names == ["secret key", "database", "migrations", "redis", "worker", "time targets"]
    status = {line[6:19].strip(): line[:4] for line in lines}
    assert status == {"secret key": "ok  ", "database": "ok  ", "migrations": "ok  ",
                      "redis": "ok  ", "worker": "FAIL", "time targets": "FAIL"}  # fmt: skip
    assert "review items past their time target: 1 crisis" in result.stdout
    assert result.stderr.strip() == "Error: 2 of 6 checks failed."


@pytest.fixture
def worker(app: Flask) -> Iterator[subprocess.Popen[bytes]]:
    """A real `flask forum worker` on the test database and Redis, stopped afterwards."""
    env = dict(os.environ, FLASK_APP="wsgi", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=app.config["REDIS_URL"], SECRET_KEY=app.config["SECRET_KEY"],
               FORUM_INSTANCE_PATH=app.instance_path)  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "forum", "worker"], cwd=REPO_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_check_passes_with_a_live_worker(cli, forum, worker):
    deadline = time.monotonic() + 60
    while True:
        result = cli("check", "--json")
        report = json_of(result)
        if result.exit_code == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)

    assert result.exit_code == 0, result.output
    assert report["ok"] is True
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["worker"]["ok"] and "1 running" in checks["worker"]["detail"]
    assert checks["time targets"]["detail"].startswith("met (")


def _other_app(tmp_path, **overrides):  # type: ignore[no-untyped-def]
    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
              "SECRET_KEY": "s" * 40, "REDIS_URL": "redis://127.0.0.1:1/0"} | overrides  # fmt: skip
    return create_app(config)


def test_check_reports_an_unreachable_database_and_redis(tmp_path):
    missing = f"sqlite:///{tmp_path}/missing/dir/x.db"
    broken = _other_app(tmp_path, SECRET_KEY="short", SQLALCHEMY_DATABASE_URI=missing)
    try:
        result = broken.test_cli_runner().invoke(args=["forum", "check", "--json"])
    finally:
        with broken.app_context():
            db.engine.dispose()

    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert all(not c["ok"] for c in checks.values())
    assert checks["secret key"]["detail"] == "5 characters; use a random key of at least 32"
    assert "is unreachable" in checks["database"]["detail"]
    assert checks["migrations"]["detail"] == "skipped: the database is unreachable"
    assert checks["redis"]["detail"].startswith("unreachable: ")


def test_check_reports_a_database_that_was_never_migrated(tmp_path):
    fresh = _other_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.db")
    try:
        result = fresh.test_cli_runner().invoke(args=["forum", "check", "--json"])
    finally:
        with fresh.app_context():
            db.engine.dispose()

    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert result.exit_code == 1
    assert checks["database"]["ok"]
    assert not checks["migrations"]["ok"]
    assert checks["migrations"]["detail"].startswith("at none, not 0008_unlinkable")
