"""Empathy reactions in a real browser: with JavaScript the counts change in place, without
it the same buttons post a form and come back to the post."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from forum.extensions import db
from forum.reactions.models import Reaction
from tests.browser.helpers import log_in
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


def _reactions() -> list[tuple[int, str]]:
    db.session.rollback()
    return [(r.post_id, r.kind) for r in db.session.scalars(db.select(Reaction))]


def test_a_reaction_updates_its_count_and_pressed_state_without_a_reload(
    ctx: None, page: Page
) -> None:
    thread = make_thread(BoardFactory(), UserFactory(), "A long day", "Today was long.")
    reply = make_reply(thread, UserFactory(), "Rest well tonight.")
    log_in(page, UserFactory())
    page.goto(f"/t/{thread.id}")
    page.evaluate("window.notReloaded = true")
    group = page.get_by_role("group", name="Respond to post #2")
    strength = group.get_by_role("button", name=re.compile("^Sending strength"))
    expect(strength).to_have_attribute("aria-pressed", "false")

    strength.click()

    expect(strength).to_have_attribute("aria-pressed", "true")
    expect(strength.locator(".reaction-count")).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    assert _reactions() == [(reply.id, "strength")]
    strength.click()
    expect(strength).to_have_attribute("aria-pressed", "false")
    expect(strength.locator(".reaction-count")).to_have_text("")
    assert _reactions() == []


def test_without_javascript_the_button_posts_and_returns_to_the_post(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    thread = make_thread(BoardFactory(), UserFactory(), "A long day", "Today was long.")
    reply = make_reply(thread, UserFactory(), "Rest well tonight.")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, UserFactory())
    page.goto(f"/t/{thread.id}")

    page.get_by_role("group", name="Respond to post #2").get_by_role(
        "button", name=re.compile("^I hear you")
    ).click()

    expect(page).to_have_url(re.compile(rf"/t/{thread.id}\?page=1#p{reply.id}$"))
    hear = page.get_by_role("group", name="Respond to post #2").get_by_role(
        "button", name=re.compile("^I hear you")
    )
    expect(hear).to_have_attribute("aria-pressed", "true")
    expect(hear.locator(".reaction-count")).to_have_text("1")
