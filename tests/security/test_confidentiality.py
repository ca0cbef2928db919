"""Confidentiality: no client address or user agent is stored, cached or logged anywhere."""

from __future__ import annotations

import logging
import os
import queue
import re
import subprocess
import sys
import threading
import urllib.request

from sqlalchemy import inspect

from forum import gunicorn_config
from forum.config import REPO_ROOT
from forum.extensions import db, get_jobs
from tests.conftest import PASSWORD, csrf_from, login, post_form
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.security.helpers import database_rows, redis_contents

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "KindredProbe/7.3 (X11; Distinctive-UA-5b1e)"
UA_MARKER = "Distinctive-UA-5b1e"
SUSPECT_NAME = re.compile(
    r"(^|_)ips?($|_)|addr|agent|e_?mail|remote|(^|_)ua($|_)|forwarded|host", re.IGNORECASE
)


def test_no_table_or_column_is_named_like_an_address_user_agent_or_email(app, ctx):
    names = [table.name for table in db.metadata.sorted_tables]
    names += [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        for column in table.columns
    ]
    # The migrated database too, in case a migration added what the models do not show.
    inspector = inspect(db.engine)
    for table in inspector.get_table_names():
        names += [f"{table}.{column['name']}" for column in inspector.get_columns(table)]
    assert len(names) > 20
    assert [name for name in names if SUSPECT_NAME.search(name)] == []


def _walk_the_site(client, run_worker) -> None:
    """Use every kind of request a member makes, from a distinctive address and browser."""
    board = BoardFactory()
    author = UserFactory()
    thread = make_thread(board, author)
    new_password = "another long passphrase here"

    page = client.get("/signup")
    assert page.status_code == 200
    signup = post_form(
        client,
        "/signup",
        {"pseudonym": "TracedMember", "password": new_password, "confirm": new_password,
         "accept_guidelines": "y"},
    )  # fmt: skip
    assert signup.status_code == 200
    codes = re.findall(
        r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", signup.get_data(as_text=True)
    )
    assert codes
    new = post_form(
        client, f"/b/{board.slug}/new", {"title": "From afar", "body": f"Hi @{author.pseudonym}"}
    )
    assert new.status_code == 302
    reply = post_form(client, f"/t/{thread.id}/reply", {"body": "Me too."}, page=f"/t/{thread.id}")
    assert reply.status_code == 302
    for url in (
        "/",
        f"/b/{board.slug}",
        f"/t/{thread.id}",
        "/u/TracedMember",
        "/settings",
        "/nope",
    ):
        client.get(url)
    client.post("/logout")  # no token: refused
    assert post_form(client, "/logout", {}, page="/settings").status_code == 302
    assert login(client, "TracedMember", "wrong password entirely").status_code == 200
    recover = post_form(
        client,
        "/recover",
        {"pseudonym": "TracedMember", "code": codes[0], "password": PASSWORD, "confirm": PASSWORD},
    )
    assert recover.status_code == 302
    assert login(client, "TracedMember", PASSWORD, remember=True).status_code == 302
    post_form(client, "/logout", {}, page="/settings")
    token = csrf_from(client, "/signup")
    statuses = {client.post("/signup", data={"csrf_token": token}).status_code for _ in range(6)}
    assert 429 in statuses  # the rate limiter has counted this client
    assert run_worker() is True


def test_client_address_and_user_agent_are_stored_nowhere(app, client, run_worker, caplog):
    caplog.set_level(logging.DEBUG)
    client.environ_base.update(
        {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": USER_AGENT, "HTTP_X_FORWARDED_FOR": FORWARDED}
    )
    _walk_the_site(client, run_worker)

    rows = repr(database_rows())
    assert "TracedMember" in rows  # the dump does see what was written
    for secret in (ADDRESS, FORWARDED, UA_MARKER):
        assert secret not in rows

    stored = b"\n".join(redis_contents(get_jobs().redis))
    assert b"kindred-rl" in stored  # the rate limiter's counters are there to inspect
    for secret in (ADDRESS, FORWARDED, UA_MARKER):
        assert secret.encode() not in stored

    assert caplog.records  # requests were logged at DEBUG, and none of it identifies the client
    logged = "\n".join(
        [caplog.text] + [f"{record.getMessage()} {record.args!r}" for record in caplog.records]
    )
    for secret in (ADDRESS, FORWARDED, UA_MARKER):
        assert secret not in logged


def test_session_cookie_holds_no_address_or_user_agent(app, client):
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": USER_AGENT})
    member = UserFactory()
    assert login(client, member.pseudonym, remember=True).status_code == 302
    session = client.get_cookie("kindred", domain="kindred.test")
    assert session is not None
    data = app.session_interface.get_signing_serializer(app).loads(session.value)
    remember = client.get_cookie("kindred_remember", domain="kindred.test").value
    for secret in (ADDRESS, UA_MARKER):
        assert secret not in repr(data) and secret not in remember


FORBIDDEN_ATOMS = {"h", "a", "q", "r", "f", "u"}
ALLOWED_ATOMS = {"t", "m", "U", "s", "B", "b", "M", "D", "T", "L", "p", "H"}


def test_gunicorn_access_log_format_names_no_client_and_no_query_string():
    atoms = re.findall(r"%\((.*?)\)s", gunicorn_config.access_log_format)
    assert atoms, gunicorn_config.access_log_format
    assert not FORBIDDEN_ATOMS & set(atoms)  # address, request line with query, referer
    assert not [atom for atom in atoms if atom.startswith("{")]  # no header or environ
    assert set(atoms) <= ALLOWED_ATOMS


class _Lines:
    """Lines a process writes to one stream, read on a thread so that waiting needs no sleep."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._stream = stream
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self._queue.put(line)
        self._queue.put("")

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {pattern!r} within {timeout} s: {self.seen}") from None
            assert line, f"the stream ended without {pattern!r}: {self.seen}"
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def close(self) -> None:
        """Once the process has exited: collect what is left and close the pipe."""
        self._thread.join(timeout=30)
        while not self._queue.empty():
            self.seen.append(self._queue.get())
        self._stream.close()


def test_real_gunicorn_logs_no_address_user_agent_or_query_and_no_server_version(app, tmp_path):
    environment = {
        **os.environ,
        "FORUM_BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        "FORUM_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "FORUM_INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:forum.gunicorn_config",
            "--no-control-socket",
            "wsgi:app",
        ],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors, access = _Lines(server.stderr), _Lines(server.stdout)
    try:
        port = errors.wait_for(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/guidelines?private=QuerySecret42",
            headers={"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED,
                     "Referer": "https://referrer.example/Secret"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, headers = response.status, response.headers
        access_line = access.wait_for(r"GET /guidelines").string
    finally:
        server.terminate()
        server.wait(timeout=30)
        errors.close()
        access.close()

    assert status == 200
    assert headers.get("Server", "") == "gunicorn" or "Server" not in headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert " 200 " in access_line
    access_log = "".join(access.seen)
    for secret in ("127.0.0.1", FORWARDED, UA_MARKER, "QuerySecret42", "referrer.example"):
        assert secret not in access_log
    error_log = "".join(errors.seen)
    for secret in (FORWARDED, UA_MARKER, "QuerySecret42", "referrer.example"):
        assert secret not in error_log
