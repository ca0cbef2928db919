"""The Nu HTML Checker (vnu.jar, run with the machine's Java) finds no error on any main page.

The HTML is fetched the way the browser gets it (the viewer's cookies, the live server) and
checked in one vnu run with the site's stylesheet, since starting Java costs a second.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext

from forum.config import REPO_ROOT
from tests.browser.helpers import VNU_JAR, node_tool
from tests.browser.pages import MAIN_PAGES, build_world, open_as_viewers

STYLESHEETS = sorted((REPO_ROOT / "static" / "css").glob("*.css"))


def vnu(files: list[Path]) -> list[dict]:
    """Every message vnu has about `files` (HTML, and CSS by extension)."""
    java = shutil.which("java")
    assert java, "Java is needed for the HTML checker: `sudo apt-get install default-jre-headless`"
    command = [java, "-jar", str(node_tool(VNU_JAR)), "--format", "json", "--stdout",
               "--exit-zero-always", "--no-langdetect", "--also-check-css",
               *map(str, files)]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)  # noqa: S603
    return json.loads(run.stdout)["messages"]


def errors_by_file(messages: list[dict]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for message in messages:
        if message.get("type") in ("error", "non-document-error"):
            where = f"line {message.get('lastLine', '?')}: " if "lastLine" in message else ""
            text = f"{where}{message['message']} [{message.get('extract', '').strip()}]"
            found.setdefault(Path(message.get("url", "?")).name, []).append(text)
    return found


def test_every_main_page_and_stylesheet_is_valid(
    ctx: None, new_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    world = build_world()
    visitors = {
        viewer: page.context for viewer, page in open_as_viewers(world, new_context).items()
    }

    files, names = [], {}
    for number, main in enumerate(MAIN_PAGES):
        response = visitors[main.viewer].request.get(main.path(world))
        assert response.status == main.status, main.name
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.body())
        files.append(path)
        names[path.name] = main.name

    # A document broken on purpose, in the same run: the checker is live.
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>x</title><p><div></p><li>stray")

    found = errors_by_file(vnu([*files, *STYLESHEETS, broken]))
    assert found.pop("broken.html", None), "the checker did not report a broken document"
    report = "\n".join(f"{names.get(name, name)}:\n  " + "\n  ".join(errors)
                       for name, errors in found.items())  # fmt: skip
    assert not found, f"the HTML checker found errors:\n{report}"
