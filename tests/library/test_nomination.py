"""Suggesting a post for What helped: only the board's facilitators (and admins), only
visible posts of others, with CSRF; the author is asked, never told who asked."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.posts.models import Post
from forum.posts.services import withdraw_post
from tests.conftest import post_form
from tests.library.helpers import (
    entry_of,
    flashes,
    hide,
    log_actions,
    nominate,
    notes_of,
)
from tests.posts.helpers import logged_in, page_of

BUTTON = "Suggest for What helped"


def test_the_boards_facilitators_see_the_button_on_others_posts(app, scene):
    page = page_of(logged_in(app, scene.facilitator), f"/t/{scene.thread.id}")
    assert page.count(BUTTON) == 3  # the opening post and both replies
    assert f'action="/p/{scene.post.id}/what-helped"' in page
    assert page.count('name="csrf_token"') >= 4


@pytest.mark.parametrize("who", ["reader", "author", "outsider"])
def test_members_and_other_boards_facilitators_see_no_button(app, scene, who):
    page = page_of(logged_in(app, getattr(scene, who)), f"/t/{scene.thread.id}")
    assert BUTTON not in page


def test_a_suggestion_asks_the_author_and_is_logged(app, scene):
    response = nominate(app, scene.facilitator, scene.post)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{scene.post.id}")
    entry = entry_of(scene.post)
    assert entry is not None
    assert (entry.state, entry.board_id, entry.nominated_by_id) == (
        "nominated",
        scene.board.id,
        scene.facilitator.id,
    )
    [note] = notes_of(scene.author, "library_consent")
    assert note.link == f"/what-helped/{entry.id}"
    assert "What helped on Sleep" in note.text and "only if you say yes" in note.text
    assert scene.facilitator.pseudonym not in note.text
    assert log_actions()[-1] == ("library_nominate", scene.post.id)


def test_an_admin_can_suggest_too(app, scene):
    assert nominate(app, scene.admin, scene.post).status_code == 302
    assert entry_of(scene.post) is not None


@pytest.mark.parametrize("who", ["reader", "author", "outsider"])
def test_anyone_else_is_refused(app, scene, who):
    response = nominate(app, getattr(scene, who), scene.post)
    assert response.status_code == 403
    assert entry_of(scene.post) is None
    assert notes_of(scene.author, "library_consent") == []


def test_a_suggestion_needs_a_csrf_token(app, scene):
    client = logged_in(app, scene.facilitator)
    response = client.post(f"/p/{scene.post.id}/what-helped")
    assert response.status_code == 400
    assert entry_of(scene.post) is None


def test_an_unknown_post_is_not_found(app, scene):
    client = logged_in(app, scene.facilitator)
    response = post_form(client, "/p/987654/what-helped", {}, page=f"/t/{scene.thread.id}")
    assert response.status_code == 404


def test_a_hidden_post_cannot_be_suggested(app, scene):
    hide(scene.post, scene.facilitator)
    client = logged_in(app, scene.facilitator)
    page_of(client, "/")  # read the welcome message
    response = post_form(client, f"/p/{scene.post.id}/what-helped", {},
                         page=f"/t/{scene.thread.id}")  # fmt: skip
    assert response.status_code == 302
    assert entry_of(scene.post) is None
    page = page_of(client, f"/t/{scene.thread.id}")
    assert "Only a post everyone can see can be suggested." in flashes(page)


def test_a_withdrawn_post_cannot_be_suggested(app, scene):
    withdraw_post(db.session.get(Post, scene.post.id))
    db.session.commit()
    nominate(app, scene.facilitator, scene.post)
    assert entry_of(scene.post) is None


def test_a_facilitator_cannot_suggest_their_own_post(app, scene):
    from tests.factories import make_reply

    own = make_reply(scene.thread, scene.facilitator, "Something I wrote.")
    page = page_of(logged_in(app, scene.facilitator), f"/t/{scene.thread.id}")
    assert f'action="/p/{own.id}/what-helped"' not in page
    response = nominate(app, scene.facilitator, own)
    assert response.status_code == 302
    assert entry_of(own) is None


def test_a_post_is_suggested_once(app, scene):
    nominate(app, scene.facilitator, scene.post)
    client = logged_in(app, scene.admin)
    page_of(client, "/")  # read the welcome message
    post_form(client, f"/p/{scene.post.id}/what-helped", {}, page=f"/t/{scene.thread.id}")
    page = page_of(client, f"/t/{scene.thread.id}")
    assert "This post is already suggested; its author has been asked." in flashes(page)
    assert len(notes_of(scene.author, "library_consent")) == 1


def test_the_request_reaches_an_author_who_turned_every_notification_off(app, scene):
    author = logged_in(app, scene.author)
    response = post_form(author, "/settings/notifications", {})
    assert response.status_code == 302

    nominate(app, scene.facilitator, scene.post)
    assert len(notes_of(scene.author, "library_consent")) == 1


def test_an_anonymous_authors_request_names_nobody(app, scene):
    nominate(app, scene.facilitator, scene.anon_post)
    [note] = notes_of(scene.anon_author, "library_consent")
    assert scene.anon_author.pseudonym not in note.shown_text
    assert scene.facilitator.pseudonym not in note.shown_text
    # The facilitator's own pages say nothing about who the author is either.
    page = page_of(logged_in(app, scene.facilitator), f"/t/{scene.thread.id}")
    assert scene.anon_author.pseudonym not in page
