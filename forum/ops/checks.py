"""Configuration sanity checks (`flask forum check`): secret key, database and migrations,
Redis, a live worker, and the review queue's time targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum.config import REPO_ROOT
from forum.db import utcnow
from forum.extensions import db, get_jobs
from forum.moderation.health import HEARTBEAT_FRESH_SECONDS, queue_health

MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


def run_checks(app: Flask) -> list[Check]:
    """Run every check; those that need the database's tables are skipped without them."""
    checks = [_secret_key(app), _database()]
    reachable = checks[-1].ok
    checks.append(_migrations() if reachable else _skipped("migrations", "unreachable"))
    checks.append(_redis())
    if not checks[2].ok:
        why = "unreachable" if not reachable else "not migrated"
        return checks + [_skipped(name, why) for name in ("worker", "time targets")]
    health = queue_health()
    return checks + [_worker(health), _time_targets(health)]


def _skipped(name: str, why: str) -> Check:
    return Check(name, False, f"skipped: the database is {why}")


def _secret_key(app: Flask) -> Check:
    key = app.config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_LENGTH:
        return Check(
            "secret key",
            False,
            f"{len(key)} characters; use a random key of at least {MIN_SECRET_LENGTH}",
        )
    where = "the environment" if app.config["FORUM_ENV"] == "production" else "configuration"
    return Check("secret key", True, f"set from {where} ({len(key)} characters)")


def _database() -> Check:
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return Check("database", False, f"{url} is unreachable: {_first_line(error)}")
    return Check("database", True, f"{url} answers")


def _migrations() -> Check:
    heads = set(ScriptDirectory(str(REPO_ROOT / "migrations")).get_heads())
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    if current == heads:
        return Check("migrations", True, f"at the latest revision ({', '.join(sorted(heads))})")
    have = ", ".join(sorted(current)) or "none"
    return Check("migrations", False,
                 f"at {have}, not {', '.join(sorted(heads))}: run `flask db upgrade`")  # fmt: skip


def _redis() -> Check:
    jobs = get_jobs()
    try:
        jobs.redis.ping()
    except RedisError as error:
        return Check("redis", False, f"unreachable: {_first_line(error)}")
    return Check("redis", True, "answers")


def _worker(health: Any) -> Check:
    if not health.redis_up:
        return Check("worker", False, "unknown: Redis is unreachable")
    if health.last_heartbeat is None:
        return Check("worker", False, "no worker is running: start `flask forum worker`")
    age = int((utcnow() - health.last_heartbeat).total_seconds())
    if not health.worker_alive:
        return Check("worker", False, f"the last heartbeat was {age} s ago "
                                      f"(more than {HEARTBEAT_FRESH_SECONDS} s)")  # fmt: skip
    return Check("worker", True, f"{health.workers} running, last heartbeat {age} s ago")


def _time_targets(health: Any) -> Check:
    overdue = {lane: n for lane, n in health.overdue_by_lane.items() if n}
    if overdue:
        lanes = ", ".join(f"{n} {lane}" for lane, n in overdue.items())
        return Check("time targets", False, f"review items past their time target: {lanes}")
    waiting = sum(health.open_by_lane.values())
    return Check("time targets", True, f"met ({waiting} open review items, none overdue)")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
