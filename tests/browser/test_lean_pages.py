"""Lean pages: at most 60 KB of CSS and JavaScript per page, all from static/ with
cache-busting URLs and long cache lifetimes, no inline script or style, nothing the CSP refuses."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import BrowserContext, Page, Response

from tests.browser.pages import MAIN_PAGES, build_world, open_as_viewers

BUDGET = 60 * 1024
YEAR = 365 * 24 * 3600
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def disable_cache(page: Page) -> None:
    """Fetch every resource afresh, so that each one is counted on every page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})


def test_every_main_page_is_lean_and_cache_friendly(
    ctx: None, new_context: Callable[..., BrowserContext], live_server: str
) -> None:
    world = build_world()
    pages = open_as_viewers(world, new_context)
    for page in pages.values():
        disable_cache(page)

    for main in MAIN_PAGES:
        page = pages[main.viewer]
        assets: list[Response] = []
        listener = partial(collect_assets, assets)
        page.on("response", listener)
        response = page.goto(main.path(world))
        page.wait_for_load_state("load")
        page.remove_listener("response", listener)
        assert response is not None and response.status == main.status, main.name

        html = response.text()
        assert not INLINE_SCRIPT.search(html), f"{main.name}: inline script"
        assert not INLINE_STYLE.search(html), f"{main.name}: inline style"
        assert not INLINE_HANDLER.search(html), f"{main.name}: inline event handler"
        assert assets, f"{main.name}: no stylesheet or script loaded"
        total = sum(len(asset.body()) for asset in assets)
        assert total <= BUDGET, f"{main.name}: {total} bytes of CSS and JavaScript"
        for asset in assets:
            check_static_asset(asset, live_server, main.name)


def collect_assets(assets: list[Response], response: Response) -> None:
    if response.request.resource_type in ("stylesheet", "script"):
        assets.append(response)


def check_static_asset(asset: Response, live_server: str, page_name: str) -> None:
    url = urlsplit(asset.url)
    where = f"{page_name}: {asset.url}"
    assert asset.url.startswith(live_server + "/static/"), f"{where} is not from static/"
    assert re.fullmatch(r"[0-9a-f]{10}", parse_qs(url.query).get("v", [""])[0]), (
        f"{where} has no content hash in its URL"
    )
    assert asset.status == 200, where
    cache = asset.headers.get("cache-control", "")
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1)) if "max-age=" in cache else 0
    assert max_age >= YEAR and "immutable" in cache and "public" in cache, f"{where}: {cache}"


def test_a_static_url_without_the_current_hash_is_not_cached_for_long(page: Page) -> None:
    page.goto("/login")
    href = page.locator("link[rel=stylesheet]").get_attribute("href")
    plain = page.request.get(href.split("?")[0])
    stale = page.request.get(href.split("?")[0] + "?v=0000000000")
    for response in (plain, stale):
        assert response.ok
        assert "immutable" not in response.headers["cache-control"]
        assert "max-age=0" in response.headers["cache-control"]


def test_pages_refuse_inline_script_by_content_security_policy(
    new_context: Callable[..., BrowserContext],
) -> None:
    """The CSP is on and enforced: an inline script injected into a page does not run."""
    page = new_context(watched=False).new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    response = page.goto("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    ran = page.evaluate(
        """() => {
            window.inlineRan = false;
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            return window.inlineRan;
        }"""
    )
    assert ran is False
    assert any("Content Security Policy" in text for text in refused)
