"""Profiles at /u/<pseudonym>: for logged-in members only, listing the member's posts."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from forum.accounts.services import delete_account
from forum.extensions import db
from forum.posts.models import Post
from tests.conftest import PASSWORD, login
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


@pytest.mark.parametrize("url", ["/settings", "/u/Member", "/u/NobodyByThisName"])
def test_account_pages_send_visitors_to_log_in(client, url):
    UserFactory(pseudonym="Member", pseudonym_key="member")
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert location.query == f"next={url.replace('/', '%2F')}"


def test_profile_shows_the_members_posts(client):
    board = BoardFactory()
    author, reader = UserFactory(), UserFactory()
    own = make_thread(board, author, title="Small wins this week")
    elsewhere = make_thread(board, reader, title="Someone else's thread")
    reply = make_reply(elsewhere, author, body="Sending warmth.")
    own_post_id = db.session.scalar(select(Post.id).where(Post.thread_id == own.id))
    reply_id = reply.id
    login(client, reader.pseudonym)

    response = client.get(f"/u/{author.pseudonym}")

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert f"<h1>{author.pseudonym}</h1>" in page
    assert page.count('<li class="thread-row">') == 2
    assert "Small wins this week" in page
    assert "Someone else's thread" in page  # the thread the member replied in
    assert f'href="/p/{own_post_id}"' in page
    assert f'href="/p/{reply_id}"' in page


def test_profile_of_a_member_without_posts_says_so(client):
    member, reader = UserFactory(), UserFactory()
    BoardFactory()
    login(client, reader.pseudonym)
    page = client.get(f"/u/{member.pseudonym}").get_data(as_text=True)
    assert "No posts yet." in page


def test_profile_does_not_list_other_members_posts(client):
    board = BoardFactory()
    author, other = UserFactory(), UserFactory()
    make_thread(board, other, title="Not by the profile owner")
    login(client, other.pseudonym)
    page = client.get(f"/u/{author.pseudonym}").get_data(as_text=True)
    assert "Not by the profile owner" not in page


def test_profile_is_found_whatever_the_case_or_width_of_the_pseudonym(client):
    UserFactory(pseudonym="Quiet", pseudonym_key="quiet")
    reader = UserFactory()
    login(client, reader.pseudonym)
    for url in ("/u/quiet", "/u/QUIET", "/u/Ｑｕｉｅｔ"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1>Quiet</h1>" in response.get_data(as_text=True)


def test_profile_of_an_unknown_pseudonym_is_404(client):
    reader = UserFactory()
    login(client, reader.pseudonym)
    response = client.get("/u/NobodyByThisName")
    assert response.status_code == 404
    assert "We couldn't find that page" in html.unescape(response.get_data(as_text=True))


def test_profile_of_a_deleted_member_is_404(client):
    leaving, reader = UserFactory(), UserFactory()
    pseudonym = leaving.pseudonym
    delete_account(leaving, PASSWORD)
    db.session.commit()
    login(client, reader.pseudonym)
    assert client.get(f"/u/{pseudonym}").status_code == 404
