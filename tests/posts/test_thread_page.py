"""Reading a thread: posts in order, 25 a page, page links, permalinks, bounded queries."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from forum.extensions import db
from forum.posts.models import Post
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.posts.helpers import (
    build_replies,
    count_queries,
    first_post,
    link_with_rel,
    logged_in,
    make_members,
    shown_post_ids,
)

PER_PAGE = 25  # FORUM_POSTS_PER_PAGE


@pytest.fixture
def member(ctx):
    return UserFactory()


@pytest.fixture
def browser(app, member):
    return logged_in(app, member)


@pytest.fixture
def long_thread(member):
    """A thread of 60 posts: pages of 25, 25 and 10."""
    thread = make_thread(BoardFactory(), member, title="A long conversation")
    build_replies(thread, [member, *make_members(2)], 59)
    return thread


def _posts_in_order(thread) -> list[int]:
    query = db.select(Post.id).where(Post.thread_id == thread.id).order_by(Post.number)
    return list(db.session.scalars(query))


def test_a_thread_shows_its_posts_in_order(browser, member):
    thread = make_thread(BoardFactory(), member, body="Post one.")
    build_replies(thread, [member], 2)

    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)

    assert shown_post_ids(page) == _posts_in_order(thread)
    assert page.index("Post one.") < page.index("Reply number 2.") < page.index("Reply number 3.")
    assert "Page 1 of" not in page  # one page: no pager


def test_a_long_thread_is_split_into_pages_of_25(browser, long_thread):
    ids = _posts_in_order(long_thread)

    pages = [browser.get(f"/t/{long_thread.id}?page={n}").get_data(as_text=True) for n in (1, 2, 3)]

    assert [shown_post_ids(page) for page in pages] == [ids[:25], ids[25:50], ids[50:]]
    assert "Page 2 of 3" in pages[1]


def test_thread_pages_link_to_previous_next_and_last_page(browser, long_thread):
    url = f"/t/{long_thread.id}"

    first = browser.get(url).get_data(as_text=True)
    middle = browser.get(f"{url}?page=2").get_data(as_text=True)
    last = browser.get(f"{url}?page=3").get_data(as_text=True)

    assert link_with_rel(first, "prev") is None
    assert link_with_rel(first, "next") == f"{url}?page=2"
    assert f'<a href="{url}?page=3">Last page</a>' in first
    assert (link_with_rel(middle, "prev"), link_with_rel(middle, "next")) == (
        f"{url}?page=1",
        f"{url}?page=3",
    )
    assert link_with_rel(last, "next") is None
    assert "Last page" not in last
    assert link_with_rel(last, "prev") == f"{url}?page=2"


@pytest.mark.parametrize("page", ["-1", "4", "999"])
def test_page_minus_one_and_pages_past_the_end_redirect_to_the_last_page(
    browser, long_thread, page
):
    response = browser.get(f"/t/{long_thread.id}?page={page}")

    assert response.status_code == 302
    assert response.location == f"/t/{long_thread.id}?page=3"


def test_page_minus_one_of_a_one_page_thread_is_page_one(browser, member):
    thread = make_thread(BoardFactory(), member)

    response = browser.get(f"/t/{thread.id}?page=-1")

    assert response.location == f"/t/{thread.id}?page=1"


@pytest.mark.parametrize("page", ["0", "-2", "two"])
def test_a_nonsense_page_number_is_a_400(browser, long_thread, page):
    assert browser.get(f"/t/{long_thread.id}?page={page}").status_code == 400


def test_an_unknown_thread_is_404(browser):
    assert browser.get("/t/424242").status_code == 404


@pytest.mark.parametrize(("number", "page"), [(1, 1), (25, 1), (26, 2), (50, 2), (51, 3), (60, 3)])
def test_a_permalink_goes_to_the_page_holding_the_post(browser, long_thread, number, page):
    post = db.session.scalar(
        db.select(Post).where(Post.thread_id == long_thread.id, Post.number == number)
    )

    response = browser.get(f"/p/{post.id}")

    assert response.status_code == 302
    target = urlsplit(response.location)
    assert (target.path, target.query, target.fragment) == (
        f"/t/{long_thread.id}",
        f"page={page}",
        f"p{post.id}",
    )
    assert f'id="p{post.id}"' in browser.get(response.location).get_data(as_text=True)


def test_an_unknown_permalink_is_404(browser):
    assert browser.get("/p/424242").status_code == 404


def test_each_post_links_to_its_permalink(browser, member):
    thread = make_thread(BoardFactory(), member)

    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)

    post = first_post(thread)
    assert f'href="/p/{post.id}">#1' in page


def test_a_replier_lands_on_the_last_page_at_their_reply(browser, long_thread):
    response = post_form(
        browser,
        f"/t/{long_thread.id}/reply",
        {"body": "Late to this."},
        page=f"/t/{long_thread.id}",
    )

    db.session.expire_all()
    reply = db.session.scalar(db.select(Post).where(Post.number == 61))
    assert response.location == f"/t/{long_thread.id}?page=3#p{reply.id}"


def test_a_locked_thread_refuses_replies_and_shows_no_reply_form(browser, member):
    thread = make_thread(BoardFactory(), member, body="Read only now.")
    thread.is_locked = True
    db.session.commit()

    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)
    response = post_form(browser, f"/t/{thread.id}/reply", {"body": "Hello?"}, page="/settings")

    assert "This thread is locked" in page
    assert "Read only now." in page
    assert f'action="/t/{thread.id}/reply"' not in page
    assert 'id="reply-heading"' not in page
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1


@pytest.mark.parametrize("body", ["", "c" * 20_001, "bell\x07"])
def test_a_locked_thread_refuses_even_an_invalid_reply_without_offering_a_form(
    browser, member, body
):
    thread = make_thread(BoardFactory(), member)
    thread.is_locked = True
    db.session.commit()

    response = post_form(browser, f"/t/{thread.id}/reply", {"body": body}, page="/settings")

    assert response.status_code == 403
    assert 'name="body"' not in response.get_data(as_text=True)


def test_locked_threads_are_marked_on_the_board(browser, member):
    board = BoardFactory(slug="locked-board")
    thread = make_thread(board, member)
    thread.is_locked = True
    db.session.commit()

    assert "Locked</span>" in browser.get("/b/locked-board").get_data(as_text=True)


def test_thread_page_runs_the_same_number_of_queries_for_1_or_25_posts(app, member):
    board = BoardFactory()
    warm_up, short = make_thread(board, member), make_thread(board, member)
    full = make_thread(board, member)
    build_replies(full, make_members(24), 24)  # a different author on every reply
    browser = logged_in(app, member)
    short_url, full_url = f"/t/{short.id}", f"/t/{full.id}"  # read ids before counting
    browser.get(f"/t/{warm_up.id}")  # the first request loads things once per process

    with count_queries() as for_one:
        assert browser.get(short_url).status_code == 200
    with count_queries() as for_full_page:
        page = browser.get(full_url).get_data(as_text=True)

    assert len(shown_post_ids(page)) == PER_PAGE
    assert for_one, "the listener saw no queries"
    assert len(for_full_page) == len(for_one)


def test_a_later_page_of_a_long_thread_costs_no_more_queries(app, member, long_thread):
    browser = logged_in(app, member)
    url = f"/t/{long_thread.id}"
    browser.get(f"{url}?page=3")  # warm up, and read to the end: neither view below writes

    with count_queries() as first:
        assert len(shown_post_ids(browser.get(f"{url}?page=1").get_data(as_text=True))) == 25
    with count_queries() as last:
        assert len(shown_post_ids(browser.get(f"{url}?page=3").get_data(as_text=True))) == 10

    assert first, "the listener saw no queries"
    assert len(last) == len(first)


@pytest.mark.parametrize("body", ["A fine reply.", ""])
def test_create_reply_raises_thread_locked_whatever_the_body(member, body):
    from forum.posts import services

    thread = make_thread(BoardFactory(), member)
    thread.is_locked = True

    with pytest.raises(services.ThreadLocked):
        services.create_reply(thread, member, body)
