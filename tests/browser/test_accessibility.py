"""axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on any main page, light or dark.

Each page is loaded once and checked in both colour schemes (switched by emulating the
`prefers-color-scheme` media feature), with every <details> opened so hidden parts count.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page

from tests.browser.helpers import axe_violations, describe_violations
from tests.browser.pages import MAIN_PAGES, build_world, open_as_viewers

SCHEMES = ("light", "dark")


def check_both_schemes(page: Page, name: str, found: dict[str, list[dict]]) -> None:
    """Run axe in light and in dark; record the violations under `name (scheme)`."""
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
        assert dark == (scheme == "dark")
        violations = axe_violations(page)
        if violations:
            found[f"{name} ({scheme})"] = violations
    page.emulate_media(color_scheme="light")


def test_every_main_page_has_no_wcag_a_or_aa_violations_in_light_and_dark(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    world = build_world()
    pages = open_as_viewers(world, new_context)
    found: dict[str, list[dict]] = {}
    for main in MAIN_PAGES:
        page = pages[main.viewer]
        response = page.goto(main.path(world))
        assert response is not None and response.status == main.status, main.name
        check_both_schemes(page, main.name, found)

    # Forms sent with mistakes: error messages, aria-invalid fields, the form-level alert.
    stranger, member = pages["stranger"], pages["member"]
    stranger.goto("/signup")
    stranger.get_by_role("button", name="Create my account").click()
    assert stranger.locator(".field-errors").count() > 0
    check_both_schemes(stranger, "sign-up with mistakes", found)
    stranger.goto("/login")
    stranger.get_by_label("Pseudonym").fill(world.member.pseudonym)
    stranger.get_by_label("Password", exact=True).fill("not the password at all")
    stranger.get_by_role("button", name="Log in").click()
    assert stranger.locator(".form-errors, .field-errors").count() > 0
    check_both_schemes(stranger, "login with mistakes", found)
    member.goto(f"/t/{world.thread.id}")
    member.get_by_role("button", name="Post reply").click()
    assert member.locator(".field-errors").count() > 0
    check_both_schemes(member, "reply with mistakes", found)

    report = "\n".join(f"{name}:\n{describe_violations(v)}" for name, v in found.items())
    assert not found, f"axe found violations:\n{report}"


def test_axe_does_find_violations_when_they_are_there(page: Page) -> None:
    """The check is live: a page broken on purpose is reported, and so is poor contrast."""
    page.goto("/login")
    page.evaluate(
        """() => {
            document.querySelector("label[for=pseudonym]").remove();
            document.querySelector("h1").classList.add("muted");
            document.documentElement.style.setProperty("--muted", "#c8c8c8");
        }"""
    )
    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "color-contrast"} <= ids
