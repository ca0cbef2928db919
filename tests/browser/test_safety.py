"""Safety in a real browser: crisis text leads to resources; quick exit by link and by Escape."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import log_in
from tests.factories import BoardFactory, UserFactory, make_thread

CRISIS_TEXT = "I can't go on anymore. Every day is heavier than the last."


def test_crisis_text_in_a_reply_shows_the_resources_page(ctx: None, page: Page) -> None:
    board = BoardFactory(name="Depression")
    thread = make_thread(board, UserFactory(), "Heavy days", "How are you all holding up?")
    log_in(page, UserFactory())
    page.goto(f"/t/{thread.id}")
    page.get_by_label("Your reply").fill(CRISIS_TEXT)
    page.get_by_role("button", name="Post reply").click()

    expect(page).to_have_url(re.compile(r"/support\?post=\d+$"))
    expect(
        page.get_by_role("heading", name="Thank you for telling us how you feel")
    ).to_be_visible()
    expect(page.get_by_text("Your post is saved")).to_be_visible()
    expect(page.locator("main")).to_contain_text("988")
    expect(page.locator("main")).to_contain_text("116 123")
    page.get_by_role("link", name="see your post").click()
    expect(page.locator("article.post", has_text="I can't go on anymore")).to_contain_text("(you)")


def test_crisis_text_in_a_new_thread_shows_the_resources_page(ctx: None, page: Page) -> None:
    board = BoardFactory(name="Depression")
    log_in(page, UserFactory())
    page.goto(f"/b/{board.slug}/new")
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Your post").fill(CRISIS_TEXT)
    page.get_by_role("button", name="Post thread").click()
    expect(
        page.get_by_role("heading", name="Thank you for telling us how you feel")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("immediate danger")


def test_need_help_now_opens_the_crisis_resources_from_every_page(page: Page) -> None:
    for path in ("/", "/login", "/guidelines"):
        page.goto(path)
        page.get_by_role("banner").get_by_role("link", name="Need help now?").click()
        expect(page).to_have_url(re.compile(r"/help$"))
        expect(page.locator("main")).to_contain_text("988")


def test_quick_exit_link_leaves_and_back_does_not_return_to_that_page(
    app: Flask, page: Page
) -> None:
    page.goto("/login")
    page.goto("/help")
    page.get_by_role("link", name="Quick exit").click()
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    assert page.url == app.config["FORUM_QUICK_EXIT_URL"]
    page.go_back()
    assert not page.url.endswith("/help"), "the page left by quick exit stayed in history"


def test_pressing_escape_twice_leaves_the_site_even_while_typing(
    ctx: None, app: Flask, page: Page
) -> None:
    board = BoardFactory()
    log_in(page, UserFactory())
    page.goto(f"/b/{board.slug}/new")
    page.get_by_label("Your post").fill("Something I have not told anyone")
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    assert page.url.endswith("/new"), "one Escape must not leave"
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    assert page.url == app.config["FORUM_QUICK_EXIT_URL"]
    page.go_back()
    assert not page.url.endswith("/new")


def test_two_escapes_far_apart_do_not_leave(page: Page) -> None:
    page.goto("/guidelines")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert page.url.endswith("/guidelines")


def test_quick_exit_works_without_javascript(
    app: Flask, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/guidelines")
    page.get_by_role("link", name="Quick exit").click()
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    assert page.url == app.config["FORUM_QUICK_EXIT_URL"]


def test_quick_exit_is_reached_early_by_keyboard(page: Page) -> None:
    page.goto("/")
    names = []
    for _ in range(8):
        page.keyboard.press("Tab")
        names.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        if names[-1] == "Quick exit":
            break
    assert "Quick exit" in names, names
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
