"""README screenshots: run the whole forum, fill it through a real browser, capture pages.

Run on demand: `.venv/bin/python bench/screenshots.py`. It starts `flask forum serve` in a
temporary instance folder (SQLite and the embedded Redis, whatever REDIS_URL says), signs up
two demo members in Debian's Chromium, posts a thread and a reply in the Anxiety board, saves
static/img/screenshots/{home,thread,thread-phone}.png, and stops the forum with Ctrl-C.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "static" / "img" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "lantern orchard pebble drift"

THREAD_TITLE = "Made the phone call I'd been putting off"
THREAD_BODY = """\
I've been avoiding calling to book an appointment for weeks. Every time I picked up the \
phone my heart started racing and I put it back down.

Today I wrote down what I wanted to say before dialling, and I actually made the call. \
It took two minutes. I know it's a small thing, but I wanted to share it somewhere people \
would understand.

Does anyone else have little tricks that help with calls?"""
REPLY_BODY = """\
That isn't small at all, well done. Writing a few lines first helps me too.

Another thing that works for me: I remind myself I'm allowed to say "can I call you back?" \
and hang up. Knowing I can end the call makes it easier to stay on it. Thank you for \
sharing this, it's encouraging to read."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_forum(instance: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`flask forum serve` in its own process group, on the embedded Redis and SQLite."""
    drop = ("REDIS_URL", "DATABASE_URL", "SECRET_KEY", "FLASK_DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("FORUM_")}
    env.update(FORUM_INSTANCE_PATH=str(instance), FLASK_APP="wsgi", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "flask", "forum", "serve", "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603
            cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def wait_until_up(process: subprocess.Popen[bytes], base: str, timeout: float = 60) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode}")
        try:
            with opener.open(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"serve did not answer within {timeout} s")


def stop_forum(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the whole group; SIGKILL if it has not stopped after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sign_up(browser: Browser, base: str, pseudonym: str) -> Page:
    """A new member in a fresh browser context, signed up through the form."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", base_url=base)
    page = context.new_page()
    page.goto("/signup")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I have read and accept the community guidelines").check()
    page.get_by_role("button", name="Create my account").click()
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(base + "/")
    return page


def post_thread(page: Page) -> str:
    page.goto("/b/anxiety/new")
    page.get_by_label("Title").fill(THREAD_TITLE)
    page.get_by_label("Your post").fill(THREAD_BODY)
    page.get_by_role("button", name="Post thread").click()
    page.wait_for_url(re.compile(r"/t/\d+$"))
    return page.url


def post_reply(page: Page, thread_url: str) -> None:
    page.goto(thread_url)
    page.get_by_label("Your reply").fill(REPLY_BODY)
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_url(re.compile(r"/t/\d+\?page=1#p\d+$"))


def wait_for_counts(page: Page, timeout: float = 30) -> None:
    """Reload the home page until the worker has recounted the Anxiety board."""
    card = page.locator(".board-card", has_text="Anxiety").first
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.goto("/")
        if "1 thread" in card.inner_text() and "2 posts" in card.inner_text():
            return
        time.sleep(0.3)
    raise RuntimeError("the board counters were not updated by the worker")


def capture(base: str) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            author = sign_up(browser, base, "willow_path")
            thread_url = post_thread(author)
            post_reply(sign_up(browser, base, "tidepool"), thread_url)

            wait_for_counts(author)
            author.screenshot(path=OUT / "home.png")
            author.goto(thread_url)
            author.screenshot(path=OUT / "thread.png")

            author.set_viewport_size(PHONE)
            author.goto(thread_url)
            author.screenshot(path=OUT / "thread-phone.png")
        finally:
            browser.close()
    return [OUT / name for name in ("home.png", "thread.png", "thread-phone.png")]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kindred-shots-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "serve.log"
        process = start_forum(Path(tmp) / "instance", port, log)
        try:
            wait_until_up(process, base)
            paths = capture(base)
        except Exception:
            print(log.read_text(errors="replace"), file=sys.stderr)
            raise
        finally:
            stop_forum(process)
    for path in paths:
        print(path.relative_to(REPO_ROOT))


if __name__ == "__main__":
    main()
