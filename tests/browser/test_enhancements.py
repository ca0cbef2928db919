"""JavaScript only enhances: counters and confirm dialogs with it, everything works without it."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import NEW_PASSWORD, log_in, post_of, sign_up
from tests.conftest import PASSWORD
from tests.factories import BoardFactory, UserFactory


def test_character_counters_count_down_and_say_when_over(ctx: None, page: Page) -> None:
    board = BoardFactory()
    log_in(page, UserFactory())
    page.goto(f"/b/{board.slug}/new")
    title = page.get_by_label("Title")
    counter = page.locator("#title ~ .char-count")
    expect(counter).to_have_text("150 characters left")
    expect(counter).to_have_attribute("aria-live", "polite")
    title.fill("Hello")
    expect(counter).to_have_text("145 characters left")
    title.fill("x" * 152)
    expect(counter).to_have_text("2 characters over the limit")
    body_counter = page.locator("#body ~ .char-count")
    expect(body_counter).to_have_text("20,000 characters left")


def codes_section(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("section", has=page.get_by_role("heading", name="Recovery codes"))


def test_a_confirm_dialog_guards_replacing_recovery_codes(ctx: None, page: Page) -> None:
    log_in(page, UserFactory())
    page.goto("/settings")
    section = codes_section(page)
    section.get_by_label("Your password").fill(PASSWORD)
    messages = []

    def answer(dialog, accept: bool) -> None:  # type: ignore[no-untyped-def]
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    section.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    assert messages == ["Make new recovery codes? Your old codes will stop working."]

    page.once("dialog", lambda dialog: answer(dialog, True))
    section.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", name="Your new recovery codes")).to_be_visible()
    assert len(messages) == 2


def test_everything_works_without_javascript(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Grief and loss", slug="grief")
    page = new_context(java_script_enabled=False).new_page()
    sign_up(page, "no_script_heron")
    page.get_by_role("link", name="Grief and loss").click()
    page.get_by_role("link", name="Start a thread").click()
    assert page.locator(".char-count").count() == 0  # no enhancement, and nothing missing
    page.get_by_label("Title").fill("A year without Dad")
    page.get_by_label("Your post").fill("It has been a year today. I wanted to say it somewhere.")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", name="A year without Dad")).to_be_visible()
    page.get_by_label("Your reply").fill("Thank you for reading, everyone.")
    page.get_by_role("button", name="Post reply").click()
    expect(post_of(page, "Thank you for reading")).to_contain_text("no_script_heron")

    # A form that asks for confirmation with JavaScript is simply sent without it.
    page.goto("/settings")
    section = codes_section(page)
    section.get_by_label("Your password").fill(NEW_PASSWORD)
    section.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", name="Your new recovery codes")).to_be_visible()

    # Withdrawing asks on a page of its own, so it needs no dialog.
    page.goto(f"/b/{board.slug}")
    page.get_by_role("link", name="A year without Dad").click()
    post_of(page, "Thank you for reading").get_by_role("link", name=re.compile("^Withdraw")).click()
    page.get_by_role("button", name="Withdraw post").click()
    expect(page.get_by_text("This post was withdrawn by the author.")).to_be_visible()
