"""Debian's Chromium and `flask forum` processes: what bench/screenshots.py and tests/browser share.

Kept out of `forum/` (the product never drives a browser) and out of `tests/` (the benchmarks
must not import the test suite); the browser tests import it from here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Settings that would point a forum process at another database, Redis or environment.
FOREIGN_ENV = ("REDIS_URL", "DATABASE_URL", "SECRET_KEY", "FLASK_DEBUG", "FLASK_APP")


def forum_env(instance: Path | str, **settings: str) -> dict[str, str]:
    """This environment minus FOREIGN_ENV and FORUM_*, on `instance`, plus `settings`."""
    env = {
        k: v for k, v in os.environ.items() if k not in FOREIGN_ENV and not k.startswith("FORUM_")
    }
    env.update(
        FLASK_APP="wsgi", PYTHONUNBUFFERED="1", FORUM_INSTANCE_PATH=str(instance), **settings
    )
    return env


def start_forum_command(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`flask forum ARGS` from the repository, in its own process group, its output in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "forum", *args], cwd=REPO_ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def stop_process_group(process: subprocess.Popen[bytes], first: signal.Signals) -> None:
    """`first` for the whole group; SIGKILL if it has not stopped after 20 s."""
    if process.poll() is None:
        os.killpg(process.pid, first)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def submit_sign_up(page: Page, pseudonym: str, password: str) -> None:
    """Fill in and send the sign-up form (the recovery codes page comes next)."""
    page.goto("/signup")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_label("I have read and accept the community guidelines").check()
    page.get_by_role("button", name="Create my account").click()


def submit_log_in(page: Page, pseudonym: str, password: str) -> None:
    """Fill in and send the log-in form."""
    page.goto("/login")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
