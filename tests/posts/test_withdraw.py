"""Withdrawing a post: confirm, then a soft delete that the thread and counters respect."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.posts.models import Post
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import logged_in

WITHDRAWN = "This post was withdrawn by the author."
SECRET = "I told my sister everything today."


@pytest.fixture
def author(ctx):
    return UserFactory(pseudonym="Ash")


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="caregivers", name="Caregivers")


@pytest.fixture
def thread(board, author):
    return make_thread(board, author, title="Telling family", body="How did you tell them?")


@pytest.fixture
def reply(thread, author):
    return make_reply(thread, author, body=SECRET)


def _withdraw(client, post_id: int):
    return post_form(client, f"/p/{post_id}/withdraw", {})


def test_withdrawing_asks_for_confirmation_first(app, author, reply):
    response = logged_in(app, author).get(f"/p/{reply.id}/withdraw")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Withdraw this post?" in page
    assert SECRET in page  # the author sees what they are withdrawing
    assert f'action="/p/{reply.id}/withdraw"' in page
    db.session.expire_all()
    assert db.session.get(Post, reply.id).withdrawn_at is None  # a GET changes nothing


def test_a_withdrawn_post_leaves_a_note_and_its_text_is_gone_from_the_thread(
    app, author, thread, reply
):
    client = logged_in(app, author)

    response = _withdraw(client, reply.id)

    assert response.status_code == 302
    assert response.location == f"/t/{thread.id}?page=1#p{reply.id}"
    page = client.get(response.location).get_data(as_text=True)
    assert WITHDRAWN in page
    assert SECRET not in page
    assert "Your post is withdrawn." in page
    assert "How did you tell them?" in page  # the rest of the thread stays


def test_a_withdrawn_post_is_kept_as_a_row(app, author, reply):
    _withdraw(logged_in(app, author), reply.id)

    db.session.expire_all()
    post = db.session.get(Post, reply.id)
    assert post is not None
    assert post.is_withdrawn
    assert post.body_source == SECRET


def test_a_withdrawn_post_hides_its_author_and_actions_from_other_readers(app, author, reply):
    _withdraw(logged_in(app, author), reply.id)

    page = logged_in(app, UserFactory()).get(f"/p/{reply.id}", follow_redirects=True)
    text = page.get_data(as_text=True)

    assert WITHDRAWN in text
    assert SECRET not in text
    assert f'id="p{reply.id}-author">\n      Withdrawn post' in text


def test_a_withdrawn_post_can_no_longer_be_edited_or_withdrawn_again(app, author, reply):
    client = logged_in(app, author)
    _withdraw(client, reply.id)

    assert client.get(f"/p/{reply.id}/edit").status_code == 403
    assert client.get(f"/p/{reply.id}/withdraw").status_code == 403
    assert _withdraw(client, reply.id).status_code == 403


def test_another_member_cannot_withdraw_a_post(app, reply):
    other = logged_in(app, UserFactory())

    assert other.get(f"/p/{reply.id}/withdraw").status_code == 403
    assert _withdraw(other, reply.id).status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, reply.id).withdrawn_at is None


def test_withdrawing_without_a_csrf_token_changes_nothing(app, author, reply):
    response = logged_in(app, author).post(f"/p/{reply.id}/withdraw")

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Post, reply.id).withdrawn_at is None


def test_withdrawing_an_unknown_post_is_404(app, author):
    assert _withdraw(logged_in(app, author), 987654).status_code == 404


def test_board_counters_drop_a_withdrawn_post_after_the_worker_runs(
    app, client, author, board, reply, run_worker
):
    run_worker()
    db.session.expire_all()
    assert (board.thread_count, board.post_count) == (1, 2)

    _withdraw(logged_in(app, author), reply.id)
    db.session.expire_all()
    assert board.post_count == 2  # the counters are a cache: the job updates them

    assert run_worker() is True

    db.session.expire_all()
    assert (board.thread_count, board.post_count) == (1, 1)
    assert "1 post<" in client.get("/").get_data(as_text=True)


def test_a_withdrawn_post_leaves_the_authors_profile(app, author, reply):
    client = logged_in(app, author)
    link = f'href="/p/{reply.id}"'
    assert link in client.get("/u/Ash").get_data(as_text=True)

    _withdraw(client, reply.id)

    assert link not in client.get("/u/Ash").get_data(as_text=True)
