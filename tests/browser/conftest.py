"""Browser-test fixtures: Debian's Chromium driven by Playwright, a live Kindred, a real worker.

The live server is the session's test app (tests/conftest.py) served by Werkzeug in a thread
on 127.0.0.1 and a free port, so a test can set up rows through services and then act in the
browser on the same database. The worker is `flask forum worker`, a process of its own on the
same database and Redis. One browser serves the whole package; every test gets fresh browser
contexts (cookies, storage) and, like every other test, empty tables.

The browser never reaches past 127.0.0.1: the quick-exit page is answered by the test itself
and any other outside request is aborted.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    forum_env,
    start_forum_command,
    stop_process_group,
)
from tests.browser.helpers import EXIT_PAGE, chromium_missing_message, wait_for_jobs

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without its access log (which would print client addresses)."""

    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


def buffered(wsgi_app: WSGIApplication) -> WSGIApplication:
    """Read each response whole and close it before sending it.

    When a browser drops a connection mid-response (a context closed while the favicon was
    on its way), Werkzeug's server never closes the response, and the open static file
    turns into a ResourceWarning in whatever test runs next.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = wsgi_app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return app


@pytest.fixture(scope="package")
def live_server(app: Flask) -> Iterator[str]:
    """The test app on http://127.0.0.1:<free port>, one thread per request."""
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="kindred-live", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="package")
def live_worker(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`flask forum worker` on the test database and Redis, for the whole package.

    Package-scoped so that it stops before the other test folders run: they drive their
    own burst workers and count what is left in the queue.
    """
    env = forum_env(
        app.instance_path, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"], SECRET_KEY=app.config["SECRET_KEY"],
    )  # fmt: skip
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_forum_command(["worker"], env, log)
    try:
        _wait_for_worker(app, process, log)
        yield
    finally:
        stop_process_group(process, signal.SIGTERM)
    assert process.returncode in (0, -signal.SIGTERM), log.read_text(errors="replace")


def _wait_for_worker(app: Flask, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the worker has registered itself in Redis."""
    from rq import Worker

    from forum.extensions import get_jobs

    deadline = time.monotonic() + 30
    with app.app_context():
        redis = get_jobs().redis
        while time.monotonic() < deadline:
            assert process.poll() is None, "worker exited:\n" + log.read_text(errors="replace")
            if Worker.all(connection=redis):
                return
            time.sleep(0.1)
    raise AssertionError("the worker did not start:\n" + log.read_text(errors="replace"))


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless. Missing Chromium fails the tests, it never skips them."""
    if not Path(CHROMIUM).exists():
        pytest.fail(chromium_missing_message(), pytrace=False)
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def _jobs_finished(app: Flask, live_worker: None) -> Iterator[None]:
    """After each test, let the worker finish what the test queued before tables are emptied."""
    yield
    wait_for_jobs(app)


class Watch:
    """What went wrong in a page: script errors and Content-Security-Policy refusals."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.problems.append(f"{message.type}: {message.text}")


@pytest.fixture
def new_context(
    browser: Browser, live_server: str, live_worker: None, app: Flask
) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (one per visitor) on the live server; closed after the test.

    Every page in them is watched (unless `watched=False`): a script error or a CSP refusal
    fails the test.
    """
    contexts: list[BrowserContext] = []
    watch = Watch()
    exit_url = app.config["FORUM_QUICK_EXIT_URL"]
    outside = re.compile(rf"^(?!{re.escape(live_server)}/)[a-z-]+:")

    def route_outside(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url == exit_url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=EXIT_PAGE)
        else:
            route.abort()

    def make(*, watched: bool = True, **options: object) -> BrowserContext:
        options = {"viewport": DESKTOP, "color_scheme": "light", **options}
        context = browser.new_context(base_url=live_server, **options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        context.route(outside, route_outside)
        if watched:
            context.on("page", watch.attach)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh desktop context, light colour scheme."""
    return new_context().new_page()
