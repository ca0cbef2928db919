"""Content warnings and muted words in a real browser: posts fold away until opened."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.browser.helpers import log_in, post_of
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread

LOSS = "My brother died last winter and the anniversary is coming up."


def test_a_content_warning_folds_a_post_until_the_reader_opens_it(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Grief and loss")
    writer_name, reader_name = UserFactory().pseudonym, UserFactory().pseudonym
    thread = make_thread(board, UserFactory(), "Anniversaries", "How do you get through them?")

    writer = new_context().new_page()
    log_in(writer, writer_name)
    writer.goto(f"/t/{thread.id}")
    writer.get_by_label("Your reply").fill(LOSS)
    box = writer.locator(".reply-box")
    expect(box.get_by_label("loss")).to_be_hidden()  # folded away until wanted
    box.get_by_text("Content warnings (optional)").click()
    box.get_by_label("loss").check()
    writer.get_by_role("button", name="Post reply").click()
    expect(post_of(writer, "Content warning: loss")).to_be_visible()

    reader = new_context().new_page()
    log_in(reader, reader_name)
    reader.goto(f"/t/{thread.id}")
    folded = post_of(reader, "Content warning: loss")
    expect(folded.get_by_text(LOSS)).to_be_hidden()
    folded.get_by_text(re.compile("^Content warning: loss")).click()
    expect(folded.get_by_text(LOSS)).to_be_visible()


def test_a_muted_word_folds_posts_for_that_reader_only(
    ctx: None, new_context: Callable[..., BrowserContext]
) -> None:
    board = BoardFactory(name="Sleep")
    reader, other = UserFactory(), UserFactory()
    names = (reader.pseudonym, other.pseudonym)
    thread = make_thread(board, other, "Nights", "What helps you sleep?")
    make_reply(thread, UserFactory(), "Melatonin helped me for a while.")

    page = new_context().new_page()
    log_in(page, names[0])
    page.goto("/settings/muted")
    page.get_by_label("Words and phrases to fold away").fill("melatonin")
    page.get_by_role("button", name="Save").click()
    page.goto(f"/t/{thread.id}")
    folded = post_of(page, "Melatonin helped")
    expect(folded.locator("summary")).to_contain_text("Collapsed")
    expect(folded.get_by_text("Melatonin helped me for a while.")).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.get_by_text("Melatonin helped me for a while.")).to_be_visible()

    others = new_context().new_page()
    log_in(others, names[1])
    others.goto(f"/t/{thread.id}")
    expect(others.get_by_text("Melatonin helped me for a while.")).to_be_visible()
