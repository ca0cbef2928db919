"""README screenshots: run the whole forum, fill it through a real browser, capture pages.

`make screenshots` runs this. It starts `flask forum serve` in a temporary instance folder
(SQLite and the embedded Redis, whatever REDIS_URL says), creates an admin with
`flask forum create-admin`, signs up three members in Debian's Chromium, posts two threads
and replies in the Anxiety board (one reply flagged for review), and saves every page in
PAGES at desktop (1280x900) and phone (390x844) sizes, in light and dark colour schemes, as
static/img/screenshots/<page>-<desktop|phone>-<light|dark>.png. Then it stops the forum with
Ctrl-C.
"""

from __future__ import annotations

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
sys.path.insert(0, str(REPO_ROOT))

from bench.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    forum_env,
    start_forum_command,
    stop_process_group,
    submit_log_in,
    submit_sign_up,
)

OUT = REPO_ROOT / "static" / "img" / "screenshots"
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
OTHER_TITLE = "Breathing exercises that actually help?"
OTHER_BODY = "I keep reading about box breathing. Has anyone found one that works for them?"
# The shipped screening rules send this to the review queue (spam, amber lane).
FLAGGED_BODY = "Phone anxiety gone in a week! Check out my shop for the course, link in bio."
# (name, who looks, path; None for the demo thread). Every page at two sizes, two schemes.
PAGES = [
    ("home", "author", "/"),
    ("board", "author", "/b/anxiety"),
    ("thread", "author", None),
    ("compose", "author", "/b/anxiety/new"),
    ("queue", "admin", "/review"),
    ("signup", "stranger", "/signup"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_forum(instance: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`flask forum serve` in its own process group, on the embedded Redis and SQLite."""
    return start_forum_command(["serve", "--port", str(port)], forum_env(instance), log)


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
    stop_process_group(process, signal.SIGINT)


def _desktop_page(browser: Browser, base: str) -> Page:
    """A page in a fresh desktop context, light colour scheme."""
    return browser.new_context(viewport=DESKTOP, color_scheme="light", base_url=base).new_page()


def sign_up(browser: Browser, base: str, pseudonym: str) -> Page:
    """A new member in a fresh browser context, signed up through the form."""
    page = _desktop_page(browser, base)
    submit_sign_up(page, pseudonym, PASSWORD)
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(base + "/")
    return page


def create_admin(instance: Path, pseudonym: str) -> None:
    """`flask forum create-admin`, the way an operator makes the first admin."""
    env = forum_env(instance)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "flask", "forum", "create-admin", pseudonym, "--password-stdin"],
        cwd=REPO_ROOT, env=env, input=PASSWORD + "\n", text=True, check=True,
        capture_output=True,
    )  # fmt: skip


def log_in(browser: Browser, base: str, pseudonym: str) -> Page:
    page = _desktop_page(browser, base)
    submit_log_in(page, pseudonym, PASSWORD)
    page.wait_for_url(base + "/")
    return page


def post_thread(page: Page, title: str, body: str) -> str:
    page.goto("/b/anxiety/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your post").fill(body)
    page.get_by_role("button", name="Post thread").click()
    page.wait_for_url(re.compile(r"/t/\d+$"))
    return page.url


def post_reply(page: Page, thread_url: str, body: str) -> None:
    page.goto(thread_url)
    page.get_by_label("Your reply").fill(body)
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_url(re.compile(r"/t/\d+\?page=1#p\d+$"))


def wait_for_counts(page: Page, threads: int, posts: int, timeout: float = 30) -> None:
    """Reload the home page until the worker has recounted the Anxiety board."""
    card = page.locator(".board-card", has_text="Anxiety").first
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.goto("/")
        text = card.inner_text()
        if f"{threads} threads" in text and f"{posts} posts" in text:
            return
        time.sleep(0.3)
    raise RuntimeError("the board counters were not updated by the worker")


def wait_for_queue(page: Page, timeout: float = 30) -> None:
    """Reload the review queue until the worker has screened the flagged reply into it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.goto("/review")
        if page.locator("table.queue tbody tr").count():
            return
        time.sleep(0.3)
    raise RuntimeError("the worker did not screen the flagged reply into the queue")


def fill_forum(browser: Browser, base: str, instance: Path) -> tuple[dict[str, Page], str]:
    """Members, a thread with replies (one flagged), an admin: a page per visitor, the thread."""
    author, friend = sign_up(browser, base, "willow_path"), sign_up(browser, base, "tidepool")
    other_url = post_thread(friend, OTHER_TITLE, OTHER_BODY)
    post_reply(sign_up(browser, base, "brightside_deals"), other_url, FLAGGED_BODY)
    thread_url = post_thread(author, THREAD_TITLE, THREAD_BODY)
    post_reply(friend, thread_url, REPLY_BODY)
    create_admin(instance, "harbour_light")
    admin = log_in(browser, base, "harbour_light")
    wait_for_counts(author, threads=2, posts=4)
    wait_for_queue(admin)
    stranger = browser.new_context(base_url=base).new_page()
    return {"author": author, "admin": admin, "stranger": stranger}, thread_url


def capture(base: str, instance: Path) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visitors, thread_url = fill_forum(browser, base, instance)
            for name, viewer, path in PAGES:
                state = visitors[viewer].context.storage_state()
                for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                    for scheme in ("light", "dark"):
                        context = browser.new_context(
                            viewport=viewport, color_scheme=scheme, base_url=base,
                            storage_state=state, is_mobile=size == "phone",
                        )  # fmt: skip
                        page = context.new_page()
                        page.goto(path or thread_url)
                        out = OUT / f"{name}-{size}-{scheme}.png"
                        page.screenshot(path=out)
                        context.close()
                        paths.append(out)
        finally:
            browser.close()
    return paths


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kindred-shots-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "serve.log"
        process = start_forum(Path(tmp) / "instance", port, log)
        try:
            wait_until_up(process, base)
            paths = capture(base, Path(tmp) / "instance")
        except Exception:
            print(log.read_text(errors="replace"), file=sys.stderr)
            raise
        finally:
            stop_forum(process)
    for path in paths:
        print(path.relative_to(REPO_ROOT))


if __name__ == "__main__":
    main()
