"""Who may open which page: the login wall, the public pages, and noindex everywhere."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.posts.helpers import first_post, logged_in

MEMBERS_ONLY = [
    "/b/{board}",
    "/b/{board}/new",
    "/t/{thread}",
    "/p/{post}",
    "/p/{post}/edit",
    "/p/{post}/withdraw",
    "/p/{post}/revisions",
    "/settings",
    "/u/{member}",
]
PUBLIC = ["/", "/signup", "/login", "/guidelines", "/privacy", "/help", "/recover"]


@pytest.fixture
def member(ctx):
    return UserFactory(pseudonym="Willow")


@pytest.fixture
def urls(member):
    """The values the URL patterns need: a real board, thread and post by `member`."""
    board = BoardFactory(slug="anxiety")
    thread = make_thread(board, member)
    return {
        "board": board.slug,
        "thread": thread.id,
        "post": first_post(thread).id,
        "member": member.pseudonym,
    }


def _is_noindex(response) -> bool:
    page = response.get_data(as_text=True)
    return (
        '<meta name="robots" content="noindex' in page
        and "noindex" in response.headers["X-Robots-Tag"]
    )


@pytest.mark.parametrize("pattern", MEMBERS_ONLY)
def test_visitors_are_sent_to_login_from_every_members_only_page(client, urls, pattern):
    response = client.get(pattern.format(**urls))
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/login"
    assert location.query.startswith("next=")


@pytest.mark.parametrize("pattern", MEMBERS_ONLY)
def test_members_open_every_members_only_page_and_it_is_noindex(app, member, urls, pattern):
    response = logged_in(app, member).get(pattern.format(**urls), follow_redirects=True)
    assert response.status_code == 200
    assert _is_noindex(response)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_open_for_visitors_and_are_noindex(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert _is_noindex(response)


def test_visitors_cannot_reply_or_withdraw_by_posting_either(client, urls):
    for url in (f"/t/{urls['thread']}/reply", f"/p/{urls['post']}/withdraw"):
        response = post_form(client, url, {"body": "Hello"}, page="/login")
        assert response.status_code == 302
        assert urlsplit(response.location).path == "/login"
