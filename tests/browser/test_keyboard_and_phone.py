"""From the front door to a first reply with the keyboard alone, and on a phone-sized screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from bench.browser import DESKTOP, PHONE
from tests.browser.helpers import NEW_PASSWORD, no_horizontal_scroll, post_of, tab_to
from tests.browser.pages import MAIN_PAGES, build_world, open_as_viewers
from tests.factories import BoardFactory, UserFactory, make_thread

REPLY = "Thank you for asking. Mornings are hardest for me, evenings are easier."


def focus_is_visible(page: Page) -> bool:
    """The focused element shows a focus indicator (an outline or a box shadow)."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
                || style.boxShadow !== "none";
        }"""
    )


def press_on(page: Page, pattern: str, key: str = "Enter") -> None:
    """Tab to the element matching `pattern`, check its focus shows, and press `key`.

    Enter follows a link or sends a form: it waits for the next page.
    """
    tab_to(page, pattern)
    assert focus_is_visible(page), f"no visible focus on {pattern!r}"
    if key != "Enter":
        page.keyboard.press(key)
        return
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page: Page, pattern: str, text: str) -> None:
    tab_to(page, pattern)
    assert focus_is_visible(page), f"no visible focus on {pattern!r}"
    page.keyboard.type(text)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sign_up_to_reply_with_the_keyboard_alone(
    ctx: None, new_context: Callable[..., BrowserContext], viewport: dict
) -> None:
    board = BoardFactory(name="Anxiety", slug="anxiety")
    make_thread(board, UserFactory(), "How are your mornings?", "Mine are slow.")
    page = new_context(viewport=viewport).new_page()
    page.goto("/")

    press_on(page, r"^A\|.*\|Join$")
    expect(page.get_by_role("heading", name="Join Kindred")).to_be_visible()
    type_into(page, r"^INPUT\|pseudonym\|", "keyboard_kestrel")
    type_into(page, r"^INPUT\|password\|", NEW_PASSWORD)
    type_into(page, r"^INPUT\|confirm\|", NEW_PASSWORD)
    press_on(page, r"^INPUT\|accept_guidelines\|", "Space")
    press_on(page, r"^BUTTON\|.*Create my account")
    expect(page.get_by_role("heading", name="Welcome to Kindred, keyboard_kestrel")).to_be_visible()

    press_on(page, r"I have saved them, continue")
    press_on(page, r"^A\|.*\|Anxiety$")
    expect(page.get_by_role("heading", name="Anxiety", level=1)).to_be_visible()
    press_on(page, r"^A\|.*\|How are your mornings\?$")
    expect(page.get_by_role("heading", name="How are your mornings?")).to_be_visible()
    type_into(page, r"^TEXTAREA\|body\|", REPLY)
    press_on(page, r"^BUTTON\|.*Post reply")

    expect(page).to_have_url(re.compile(r"#p\d+$"))
    expect(post_of(page, REPLY)).to_contain_text("keyboard_kestrel")
    assert no_horizontal_scroll(page)


def test_skip_link_is_first_and_moves_focus_to_the_content(page: Page) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/login#main$"))
    tab_to(page, r"^INPUT\|pseudonym\|", limit=2)


def test_sign_up_to_reply_on_a_phone_by_touch(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Anxiety", slug="anxiety")
    make_thread(board, UserFactory(), "How are your mornings?", "Mine are slow.")
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    page.goto("/")
    assert no_horizontal_scroll(page)
    expect(page.get_by_role("link", name="Quick exit")).to_be_in_viewport()
    expect(
        page.get_by_role("banner").get_by_role("link", name="Need help now?")
    ).to_be_in_viewport()
    page.locator("main").get_by_role("link", name="Join Kindred").tap()
    page.get_by_label("Pseudonym").fill("pocket_wren")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_label("I have read and accept the community guidelines").tap()
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Create my account").tap()
    expect(page.get_by_role("heading", name="Welcome to Kindred, pocket_wren")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="I have saved them, continue").tap()

    page.get_by_role("link", name="Anxiety").tap()
    expect(page.get_by_role("heading", name="Anxiety", level=1)).to_be_visible()
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name="How are your mornings?").tap()
    expect(page.get_by_role("heading", name="How are your mornings?")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.get_by_label("Your reply").fill(REPLY)
    page.get_by_role("button", name="Post reply").tap()
    expect(post_of(page, REPLY)).to_contain_text("pocket_wren")
    assert no_horizontal_scroll(page)


def test_every_main_page_fits_a_phone_screen(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    world = build_world()
    pages = open_as_viewers(world, new_context, viewport=PHONE, is_mobile=True, has_touch=True)
    too_wide = []
    for main in MAIN_PAGES:
        page = pages[main.viewer]
        page.goto(main.path(world))
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if not no_horizontal_scroll(page):
            too_wide.append(f"{main.name}: {widest(page)}")
    assert not too_wide, "pages wider than a phone:\n" + "\n".join(too_wide)


def widest(page: Page) -> str:
    """The outermost elements that stick out past the right edge of the screen."""
    return page.evaluate(
        """(width) => {
            const out = [];
            for (const el of document.querySelectorAll("body *")) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 1 && !out.some(o => o.contains(el))) {
                    out.push(el);
                }
            }
            return out.slice(0, 5).map(el => el.tagName + "." + el.className + " "
                + Math.round(el.getBoundingClientRect().right)).join(", ");
        }""",
        PHONE["width"],
    )
