"""A newcomer in a real browser: sign up, save codes, read, react, follow, hear of a reply,
post anonymously, search, reply, edit, withdraw."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from forum.boards.services import seed_demo_boards
from forum.extensions import db
from forum.posts.models import Post
from tests.browser.helpers import log_in, post_of, sign_up
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


def test_newcomer_signs_up_reads_reacts_follows_posts_searches_replies_edits_withdraws(
    ctx: None, page: Page, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Anxiety", slug="anxiety", description="Worry and panic.")
    elder = UserFactory(pseudonym="tidepool")
    thread = make_thread(board, elder, "Small wins this week", "Share one thing that went well.")

    codes = sign_up(page, "willow_path")
    assert len(codes) >= 8 and len(set(codes)) == len(codes)
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("link", name="Anxiety").click()
    expect(page.get_by_role("heading", name="Anxiety", level=1)).to_be_visible()
    page.get_by_role("link", name="Small wins this week").click()
    expect(post_of(page, "Share one thing that went well.")).to_contain_text("tidepool")

    # React to the first post and follow the thread; a reply then comes as a notification.
    hear = page.get_by_role("group", name="Respond to post #1").get_by_role(
        "button", name=re.compile("^I hear you")
    )
    hear.click()
    expect(hear).to_have_attribute("aria-pressed", "true")
    expect(hear.locator(".reaction-count")).to_have_text("1")
    page.get_by_role("button", name="Follow this thread").click()
    expect(page.get_by_text("You follow this thread.")).to_be_visible()
    make_reply(thread, elder, "Mine: I walked to the shop and back without panicking.")
    page.goto("/")
    expect(page.locator(".unread-badge")).to_contain_text("1")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    note = page.locator(".notification", has_text="tidepool replied in “Small wins this week”")
    note.get_by_role("link", name=re.compile("^View")).click()
    expect(post_of(page, "walked to the shop and back")).to_be_in_viewport()
    page.goto("/")
    expect(page.locator(".unread-badge")).to_have_count(0)

    # A thread of my own, posted anonymously.
    page.get_by_role("link", name="Anxiety").click()
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("Trying to sleep before midnight")
    page.get_by_label("Your post").fill("Does anyone else lie awake replaying the day?")
    page.get_by_label("Post anonymously").check()
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", name="Trying to sleep before midnight")).to_be_visible()
    opening = post_of(page, "replaying the day")
    expect(opening.locator(".alias")).to_have_text(re.compile(r"^Anonymous "))
    expect(opening).to_contain_text("(you)")
    expect(opening).not_to_contain_text("willow_path")

    # Search finds it, under the alias; only its author sees "(you)".
    thread_url = page.url
    page.goto("/search")
    page.get_by_label("Search for").fill("midnight")
    page.get_by_role("button", name="Search").click()
    hit = page.locator(".search-result", has_text="Trying to sleep before midnight")
    expect(hit).to_contain_text("Anonymous ")
    expect(hit).to_contain_text("(you)")
    expect(hit).not_to_contain_text("willow_path")

    # The others see the alias, never the pseudonym.
    other = new_context().new_page()
    log_in(other, elder)
    other.goto(thread_url)
    expect(post_of(other, "replaying the day")).not_to_contain_text("willow_path")
    expect(post_of(other, "replaying the day")).not_to_contain_text("(you)")
    other.goto("/search?q=midnight")
    expect(other.locator(".search-result")).to_have_count(1)
    expect(other.locator(".search-result")).not_to_contain_text("willow_path")

    # A reply, then an edit, then a withdrawal.
    page.goto(thread_url)
    page.get_by_label("Your reply").fill("Writing this down already helps a little.")
    page.get_by_role("button", name="Post reply").click()
    reply = post_of(page, "Writing this down")
    expect(reply).to_be_visible()
    reply.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Your post").fill("Writing this down already helps a lot, actually.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your post is updated.")).to_be_visible()
    reply = post_of(page, "helps a lot, actually")
    expect(reply.locator(".edited")).to_be_visible()

    reply.get_by_role("link", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("heading", name="Withdraw this post?")).to_be_visible()
    page.get_by_role("button", name="Withdraw post").click()
    expect(page.get_by_text("Your post is withdrawn.")).to_be_visible()
    expect(page.get_by_text("This post was withdrawn by the author.")).to_be_visible()
    assert "helps a lot" not in page.content()
    db.session.remove()
    mine = int(re.search(r"/t/(\d+)", thread_url).group(1))
    replies = db.session.scalars(db.select(Post).where(Post.thread_id == mine, Post.number > 1))
    assert [post.is_withdrawn for post in replies] == [True]


def test_the_worker_keeps_board_counts_current_for_a_reader(ctx: None, page: Page) -> None:
    seed_demo_boards()
    db.session.commit()
    member = UserFactory()
    log_in(page, member)
    card = page.locator(".board-card", has_text="Anxiety")
    expect(card).to_contain_text("0 threads")

    from forum.boards.services import get_board

    thread = make_thread(get_board("anxiety"), member, "Counting on the worker", "First.")
    make_reply(thread, member, "Second.")
    for _ in range(50):  # the live worker recounts the board after each post
        page.reload()
        if "1 thread" in card.inner_text() and "2 posts" in card.inner_text():
            break
        page.wait_for_timeout(100)
    expect(card).to_contain_text("1 thread")
    expect(card).to_contain_text("2 posts")
