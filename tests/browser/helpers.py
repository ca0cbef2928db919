"""Helpers for the browser tests: Chromium settings, members logging in, keyboard moves, jobs."""

from __future__ import annotations

import re
import time
from pathlib import Path

from flask import Flask
from playwright.sync_api import Locator, Page, expect

from bench.browser import CHROMIUM, submit_log_in, submit_sign_up
from forum.accounts.models import User
from tests.conftest import PASSWORD

EXIT_PAGE = "<!doctype html><title>Weather</title><h1>Weather forecast</h1>"
NEW_PASSWORD = "lantern orchard pebble drift"


def chromium_missing_message() -> str:
    return (
        f"Chromium was not found at {CHROMIUM}. The browser tests need Debian's chromium "
        "package (Playwright's own browser download is not used): install it with "
        "`sudo apt-get install chromium`, then run `make test` again."
    )


def wait_for_jobs(app: Flask, timeout: float = 20) -> None:
    """Wait until the live worker has run every queued, scheduled and started job."""
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    from forum.extensions import get_jobs

    with app.app_context():
        queue = get_jobs().queue
        registries = (StartedJobRegistry(queue=queue), ScheduledJobRegistry(queue=queue))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if queue.count == 0 and all(r.count == 0 for r in registries):
                return
            time.sleep(0.05)
    raise AssertionError(f"the worker did not finish the queued jobs within {timeout} s")


def log_in(page: Page, user: User | str, password: str = PASSWORD) -> None:
    """Log in through the form and land on the boards."""
    submit_log_in(page, user if isinstance(user, str) else user.pseudonym, password)
    expect(page.get_by_role("heading", name="Boards", exact=True)).to_be_visible()


def sign_up(page: Page, pseudonym: str, password: str = NEW_PASSWORD) -> list[str]:
    """Sign up through the form; return the recovery codes shown once, and continue."""
    submit_sign_up(page, pseudonym, password)
    expect(page.get_by_role("heading", name=f"Welcome to Kindred, {pseudonym}")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="I have saved them, continue").click()
    return codes


def post_of(page: Page, text: str) -> Locator:
    """The post article whose body contains `text`."""
    return page.locator("article.post", has_text=text)


def focused(page: Page) -> str:
    """A short description of the focused element: tag, name or label, and text."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) { return ""; }
            const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
            const text = (el.innerText || el.value || "").trim().slice(0, 80);
            return [el.tagName, el.getAttribute("name") || "", label, text].join("|");
        }"""
    )


def tab_to(page: Page, pattern: str, limit: int = 60) -> str:
    """Press Tab until the focused element matches `pattern` (a regex over `focused`).

    Fails if it is not reached within `limit` presses: not reachable by keyboard.
    """
    wanted = re.compile(pattern)
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now)
        if wanted.search(now):
            return now
    raise AssertionError(f"{pattern!r} not reached by Tab; focus went through: {seen}")


def no_horizontal_scroll(page: Page) -> bool:
    """The page fits the screen's width: nothing to scroll sideways, nothing cut off.

    Measured against the viewport size given to the browser, since a mobile browser widens
    its layout viewport to fit content that is too wide.
    """
    width = page.viewport_size["width"] if page.viewport_size else 0
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Every WCAG 2.0, 2.1 and 2.2 success criterion at levels A and AA that axe can test.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def node_tool(path: Path) -> Path:
    """A file from node_modules; a clear failure when `npm ci` has not been run."""
    assert path.exists(), (
        f"{path} is missing: run `npm ci` in the repository (`make test` does it for you)."
    )
    return path


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core in the page (every <details> opened) for the WCAG A and AA rules."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(node_tool(AXE_JS).read_text())
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)
