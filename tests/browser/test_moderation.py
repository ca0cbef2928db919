"""Reports and the review queue in a real browser, screened by the live worker."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.posts.models import Post
from tests.browser.helpers import log_in, post_of, wait_for_jobs
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread

ABUSE = "Nobody wants you here, you are pathetic."


def logged_in_page(new_context: Callable[..., BrowserContext], pseudonym: str) -> Page:
    page = new_context().new_page()
    log_in(page, pseudonym)
    return page


def open_queue_until(page: Page, count: int, row: str = "table.queue tbody tr") -> None:
    """Reload the queue until the worker has screened `count` posts into it."""
    rows = page.locator(row)
    for _ in range(100):
        page.goto("/review")
        if rows.count() >= count:
            return
        page.wait_for_timeout(100)
    expect(rows).to_have_count(count)


def test_a_member_reports_a_post_and_hears_that_a_facilitator_looked(
    ctx: None, app: Flask, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Grief and loss")
    facilitator, reporter, author = UserFactory(), UserFactory(), UserFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()
    thread = make_thread(board, reporter, "Anniversaries", "The first one is next week.")
    make_reply(thread, author, "Check out my shop for grief crystals, link in profile.")
    names = {user: user.pseudonym for user in (facilitator, reporter, author)}

    member = logged_in_page(new_context, names[reporter])
    member.goto(f"/t/{thread.id}")
    post_of(member, "grief crystals").get_by_role("link", name=re.compile("^Report")).click()
    expect(member.get_by_role("heading", name="Report a post")).to_be_visible()
    member.get_by_label("It is spam or advertising").check()
    member.get_by_label("Anything a facilitator should know?").fill(
        "Selling things to grieving people"
    )
    member.get_by_role("button", name="Send report").click()
    expect(member.get_by_text("Thank you. A facilitator will look at this post")).to_be_visible()
    wait_for_jobs(app)  # screening done: the item will not change under the facilitator

    fac = logged_in_page(new_context, names[facilitator])
    open_queue_until(fac, 1)
    fac.locator("table.queue tbody tr", has_text="grief crystals").get_by_role("link").click()
    expect(fac.locator(".flags")).to_contain_text("Selling things to grieving people")
    fac.get_by_label("Reason the author will see").fill("Advertising is not allowed here.")
    fac.once("dialog", lambda dialog: dialog.accept())
    fac.get_by_role("button", name="Hide post").click()
    expect(fac.get_by_text("Hidden.", exact=True)).to_be_visible()

    member.goto("/")
    expect(member.locator(".unread-badge")).to_contain_text("unread")
    member.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(member.locator(".notification-list")).to_contain_text(
        "A facilitator looked at the post you reported"
    )
    member.goto(f"/t/{thread.id}")
    expect(post_of(member, "This post was removed by a facilitator.")).to_be_visible()
    assert "grief crystals" not in member.content()

    writer = logged_in_page(new_context, names[author])
    writer.goto(f"/t/{thread.id}")
    expect(post_of(writer, "grief crystals")).to_contain_text("Advertising is not allowed here.")
    writer.goto("/me/moderation")
    expect(writer.locator("main")).to_contain_text("Advertising is not allowed here.")
    assert names[reporter] not in writer.content()


def test_a_facilitator_claims_hides_warns_and_undoes_a_bulk_action(
    ctx: None, app: Flask, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Anxiety")
    facilitator, member, author = UserFactory(), UserFactory(), UserFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()
    thread = make_thread(board, member, "Evenings", "How do your evenings go?")
    first = make_reply(thread, author, f"{ABUSE} First.")
    second = make_reply(thread, author, f"{ABUSE} Second.")
    third = make_reply(thread, author, f"{ABUSE} Third.")
    first_id, others = first.id, (second.id, third.id)
    names = {user: user.pseudonym for user in (facilitator, author)}

    page = logged_in_page(new_context, names[facilitator])
    open_queue_until(page, 3, row="tr.lane-row-red")
    wait_for_jobs(app)
    page.reload()
    expect(page.locator("nav.site-nav")).to_contain_text("3 red")

    # One item: claim it, hide the post with a reason, warn its author.
    page.locator("table.queue tbody tr", has_text="First.").get_by_role("link").click()
    page.get_by_role("button", name="Claim (15 minutes)").click()
    expect(page.get_by_text("Claimed for you.")).to_be_visible()
    expect(page.get_by_role("button", name="Release my claim")).to_be_visible()
    page.get_by_label("Reason the author will see").fill("Please be kind to each other.")
    page.once("dialog", lambda dialog: dialog.dismiss())  # changing one's mind keeps the post
    page.get_by_role("button", name="Hide post").click()
    expect(page.get_by_role("button", name="Hide post")).to_be_visible()
    db.session.remove()
    assert db.session.get(Post, first_id).state == "visible"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hide post").click()
    expect(page.get_by_text("Hidden.", exact=True)).to_be_visible()

    page.get_by_text("Sanction the author").click()
    page.get_by_label("Sanction", exact=True).select_option("warning")
    page.get_by_label("Reason the member will see").fill("Name-calling hurts people here.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Record sanction").click()
    expect(page.get_by_text("Sanction recorded.")).to_be_visible()

    # The other two: hide them together, then undo.
    page.goto("/review")
    red = page.locator("tr.lane-row-red")
    expect(red).to_have_count(2)
    red.first.get_by_label(re.compile("^Select item")).check()
    red.last.get_by_label(re.compile("^Select item")).check()
    page.get_by_label("With the selected items").select_option("hide")
    page.get_by_label("Reason (needed to hide)").fill("Unkind words.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Bulk hide done")).to_be_visible()
    db.session.remove()
    assert {db.session.get(Post, pid).state for pid in others} == {"hidden"}
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone: 2 item(s) are back in the queue.")).to_be_visible()
    expect(red).to_have_count(2)
    db.session.remove()
    assert {db.session.get(Post, pid).state for pid in others} == {"visible"}
    assert db.session.get(Post, first_id).state == "hidden"

    writer = logged_in_page(new_context, names[author])
    writer.goto("/me/moderation")
    expect(writer.locator(".sanction")).to_contain_text("Warning")
    expect(writer.locator(".sanction")).to_contain_text("Name-calling hurts people here.")
    writer.goto(f"/p/{first_id}")
    expect(post_of(writer, "First.")).to_contain_text("Please be kind to each other.")
