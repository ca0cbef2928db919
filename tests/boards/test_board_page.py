"""A board's thread list: latest activity first, pinned on top, keyset pages both ways."""

from __future__ import annotations

import pytest

from forum.db import utcnow
from forum.extensions import db
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import (
    build_threads,
    by_activity,
    count_queries,
    link_with_rel,
    listed_thread_ids,
    logged_in,
    make_members,
)

PER_PAGE = 30  # FORUM_THREADS_PER_PAGE


@pytest.fixture
def member(ctx):
    return UserFactory()


@pytest.fixture
def browser(app, member):
    return logged_in(app, member)


def _page(browser, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_board_lists_threads_by_latest_activity(browser, member):
    board = BoardFactory(slug="anxiety")
    first = make_thread(board, member, title="First thread")
    second = make_thread(board, member, title="Second thread")
    make_reply(first, member)  # activity brings the first thread back to the top

    page = _page(browser, "/b/anxiety")

    assert listed_thread_ids(page) == [first.id, second.id]
    assert "1 reply" in page
    assert "0 replies" in page
    assert link_with_rel(page, "next") is None
    assert link_with_rel(page, "prev") is None


def test_an_empty_board_invites_the_first_thread(browser):
    BoardFactory(slug="caregivers")

    page = _page(browser, "/b/caregivers")

    assert "No threads here yet" in page
    assert 'href="/b/caregivers/new"' in page


def test_an_unknown_board_is_404(browser):
    assert browser.get("/b/no-such-board").status_code == 404


def test_an_archived_board_can_be_read_but_offers_no_new_thread(browser, member):
    board = BoardFactory(slug="old")
    thread = build_threads(board, [member], 1)[0]
    board.archived_at = utcnow()
    db.session.commit()

    page = _page(browser, "/b/old")

    assert listed_thread_ids(page) == [thread.id]
    assert 'href="/b/old/new"' not in page


def test_walking_95_threads_forward_and_back_skips_and_repeats_nothing(browser, member):
    board = BoardFactory(slug="depression")
    authors = [member, *make_members(4)]
    # Groups of seven share a moment, so page boundaries fall inside ties.
    threads = build_threads(board, authors, 95, group=7)
    pinned = build_threads(board, authors, 2, is_pinned=True)
    expected = by_activity(threads)

    pages_forward, url = [], "/b/depression"
    while url:
        page = _page(browser, url)
        pages_forward.append(listed_thread_ids(page))
        pinned_here = listed_thread_ids(page, "pinned-heading")
        assert pinned_here == (by_activity(pinned) if len(pages_forward) == 1 else [])
        url = link_with_rel(page, "next")

    assert [len(ids) for ids in pages_forward] == [30, 30, 30, 5]
    assert [tid for ids in pages_forward for tid in ids] == expected

    pages_back = [pages_forward[-1]]
    url = link_with_rel(page, "prev")
    while url:
        page = _page(browser, url)
        pages_back.append(listed_thread_ids(page))
        url = link_with_rel(page, "prev")

    assert pages_back == list(reversed(pages_forward))
    assert listed_thread_ids(page, "pinned-heading") == by_activity(pinned)
    assert link_with_rel(page, "next") is not None


def test_pinned_threads_come_first_and_only_on_the_first_page(browser, member):
    board = BoardFactory(slug="grief")
    threads = build_threads(board, [member], 35)
    (pinned,) = build_threads(board, [member], 1, is_pinned=True)
    # The pinned thread is the oldest of all, yet it is on top.
    pinned.last_post_at = threads[0].last_post_at.replace(year=2020)
    db.session.commit()

    first = _page(browser, "/b/grief")
    second = _page(browser, link_with_rel(first, "next"))

    assert listed_thread_ids(first, "pinned-heading") == [pinned.id]
    assert first.index(f'href="/t/{pinned.id}"') < first.index(f'href="/t/{threads[-1].id}"')
    assert "Pinned</span>" in first
    assert pinned.id not in listed_thread_ids(first) + listed_thread_ids(second)
    assert listed_thread_ids(second, "pinned-heading") == []


def test_a_deep_page_opens_straight_from_its_cursor(app, browser, member):
    board = BoardFactory(slug="recovery")
    threads = build_threads(board, [member], 95)
    expected = by_activity(threads)

    url = "/b/recovery"
    for _ in range(3):
        url = link_with_rel(_page(browser, url), "next")

    # A bookmarked link works in another session too, with no walk to get there.
    page = _page(logged_in(app, member), url)

    assert listed_thread_ids(page) == expected[90:]
    assert link_with_rel(page, "next") is None
    assert "Latest</a>" in page


def test_newer_cursor_from_the_middle_returns_the_page_before(browser, member):
    board = BoardFactory(slug="chronic")
    expected = by_activity(build_threads(board, [member], 70))

    second = _page(browser, link_with_rel(_page(browser, "/b/chronic"), "next"))
    third = _page(browser, link_with_rel(second, "next"))
    back = _page(browser, link_with_rel(third, "prev"))

    assert listed_thread_ids(third) == expected[60:]
    assert listed_thread_ids(back) == expected[30:60]


@pytest.mark.parametrize(
    "query",
    [
        "older=nonsense",
        "older=12.ab",
        "older=1.2.3",
        "newer=.",
        "newer=1e9.5",
        "older=99999999999999999999999.1",
        "older=-99999999999999999.1",
        "newer=1714564800123456.99999999999999999999999",
    ],
)
def test_a_malformed_cursor_is_a_400_not_a_500(browser, query):
    BoardFactory(slug="introductions")

    response = browser.get(f"/b/introductions?{query}")

    assert response.status_code == 400
    assert "That page link is not valid." in response.get_data(as_text=True)


def test_board_page_runs_the_same_number_of_queries_for_1_or_60_threads(app, member):
    small, large = BoardFactory(slug="small"), BoardFactory(slug="large")
    build_threads(small, [member], 1)
    build_threads(large, make_members(60), 60)  # a different author on every thread
    build_threads(large, make_members(3), 3, is_pinned=True)
    browser = logged_in(app, member)
    browser.get("/b/small")  # warm up: the first request loads things once per process

    with count_queries() as for_one:
        assert browser.get("/b/small").status_code == 200
    with count_queries() as for_sixty:
        page = browser.get("/b/large").get_data(as_text=True)

    assert len(listed_thread_ids(page)) == PER_PAGE
    assert for_one, "the listener saw no queries"
    assert len(for_sixty) == len(for_one)
