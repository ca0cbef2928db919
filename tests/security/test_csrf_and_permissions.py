"""CSRF on every state-changing endpoint, and permission checks made on the server."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.accounts.services import issue_recovery_codes
from forum.extensions import db
from forum.posts.models import Post
from tests.conftest import PASSWORD, csrf_from, login, post_form
from tests.security.helpers import assert_site_layout, database_rows

NEW_PASSWORD = "a brand new passphrase for tests"
CSRF_MESSAGE = "The form had expired or was sent from elsewhere"


@dataclass(frozen=True)
class Endpoint:
    url: str
    form: dict[str, str]
    logged_in: bool
    page: str  # the page a browser would have posted the form from


# Each form is one that would change the database if it carried a token.
ENDPOINTS = {
    "signup": Endpoint(
        "/signup",
        {"pseudonym": "Newcomer", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
         "accept_guidelines": "y"},
        logged_in=False, page="/signup",
    ),
    "login": Endpoint(
        "/login", {"pseudonym": "{pseudonym}", "password": PASSWORD},
        logged_in=False, page="/login",
    ),
    "logout": Endpoint("/logout", {}, logged_in=True, page="/settings"),
    "recover": Endpoint(
        "/recover",
        {"pseudonym": "{pseudonym}", "code": "{code}", "password": NEW_PASSWORD,
         "confirm": NEW_PASSWORD},
        logged_in=False, page="/recover",
    ),
    "change password": Endpoint(
        "/settings/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        logged_in=True, page="/settings",
    ),
    "new recovery codes": Endpoint(
        "/settings/recovery-codes", {"codes-password": PASSWORD}, logged_in=True, page="/settings"
    ),
    "delete account": Endpoint(
        "/settings/delete", {"delete-password": PASSWORD}, logged_in=True, page="/settings"
    ),
    "new thread": Endpoint(
        "/b/{slug}/new", {"title": "A new thread", "body": "Words."},
        logged_in=True, page="/b/{slug}/new",
    ),
    "reply": Endpoint(
        "/t/{thread}/reply", {"body": "A reply."}, logged_in=True, page="/t/{thread}"
    ),
    "edit": Endpoint(
        "/p/{post}/edit", {"body": "Changed words."}, logged_in=True, page="/p/{post}/edit"
    ),
    "withdraw": Endpoint("/p/{post}/withdraw", {}, logged_in=True, page="/p/{post}/withdraw"),
}  # fmt: skip


@pytest.mark.parametrize("name", ENDPOINTS)
def test_post_without_csrf_token_is_refused_and_changes_nothing(client, world, name):
    endpoint = ENDPOINTS[name]
    code = issue_recovery_codes(world.member)[0]
    db.session.commit()
    values = {
        "pseudonym": world.member.pseudonym, "code": code, "slug": world.board.slug,
        "thread": world.thread.id, "post": world.reply.id,
    }  # fmt: skip
    url = endpoint.url.format(**values)
    form = {key: value.format(**values) for key, value in endpoint.form.items()}
    if endpoint.logged_in:
        login(client, world.member.pseudonym)
    before = database_rows()

    response = client.post(url, data=form)

    assert response.status_code == 400
    assert CSRF_MESSAGE in assert_site_layout(response)
    assert database_rows() == before
    # Control: the same form with the page's token is accepted and does change something,
    # so the refusal above was for the missing token and nothing else.
    accepted = post_form(client, url, form, page=endpoint.page.format(**values))
    assert accepted.status_code in {200, 302}, accepted.get_data(as_text=True)
    assert database_rows() != before


def test_post_with_a_token_from_another_session_is_refused(app, client, world):
    stranger = app.test_client()
    foreign_token = csrf_from(stranger, "/login")
    login(client, world.member.pseudonym)
    before = database_rows()

    response = client.post(
        f"/t/{world.thread.id}/reply", data={"csrf_token": foreign_token, "body": "Forged."}
    )

    assert response.status_code == 400
    assert CSRF_MESSAGE in assert_site_layout(response)
    assert database_rows() == before


def test_post_with_a_tampered_token_is_refused(client, world):
    login(client, world.member.pseudonym)
    token = csrf_from(client, f"/t/{world.thread.id}")
    before = database_rows()

    response = client.post(
        f"/t/{world.thread.id}/reply", data={"csrf_token": token[:-2] + "xx", "body": "Forged."}
    )

    assert response.status_code == 400
    assert database_rows() == before


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("edit", {"body": "Words put in someone else's mouth."}),
        ("withdraw", {}),
    ],
)
def test_member_cannot_change_another_members_post_even_with_a_valid_token(
    app, client, world, action, form
):
    login(client, world.other.pseudonym)
    token = csrf_from(client, f"/t/{world.thread.id}")
    before = database_rows()

    response = client.post(f"/p/{world.reply.id}/{action}", data={"csrf_token": token, **form})

    assert response.status_code == 403
    assert "Error 403" in assert_site_layout(response)
    assert database_rows() == before
    # Control: the author, with the same request, may do it.
    author = app.test_client()
    login(author, world.member.pseudonym)
    allowed = post_form(author, f"/p/{world.reply.id}/{action}", form, page=f"/t/{world.thread.id}")
    assert allowed.status_code == 302
    assert database_rows() != before


def test_member_cannot_retitle_another_members_thread(client, world):
    login(client, world.other.pseudonym)
    token = csrf_from(client, f"/t/{world.thread.id}")
    before = database_rows()

    response = client.post(
        f"/p/{world.first_post.id}/edit",
        data={"csrf_token": token, "title": "Hijacked", "body": "Hijacked"},
    )

    assert response.status_code == 403
    assert database_rows() == before


@pytest.mark.parametrize("page", ["edit", "withdraw", "revisions"])
def test_member_cannot_open_another_members_post_tools(client, world, page):
    login(client, world.other.pseudonym)

    response = client.get(f"/p/{world.reply.id}/{page}")

    assert response.status_code == 403
    assert_site_layout(response)


def test_thread_page_offers_edit_links_only_on_your_own_posts(client, world):
    login(client, world.other.pseudonym)
    page = client.get(f"/t/{world.thread.id}").get_data(as_text=True)
    assert f"/p/{world.reply.id}/edit" not in page
    assert f"/p/{world.reply.id}/withdraw" not in page


def test_withdrawn_post_cannot_be_edited_even_by_its_author(client, world):
    login(client, world.member.pseudonym)
    post_form(client, f"/p/{world.reply.id}/withdraw", {}, page=f"/t/{world.thread.id}")
    before = database_rows()

    response = post_form(
        client, f"/p/{world.reply.id}/edit", {"body": "Back again"}, page=f"/t/{world.thread.id}"
    )

    assert response.status_code == 403
    assert database_rows() == before
    assert db.session.get(Post, world.reply.id).body_source == "A reply with my own words."


def test_visitor_who_is_not_logged_in_is_sent_to_log_in_and_nothing_changes(app, world):
    visitor = app.test_client()
    token = csrf_from(visitor, "/login")
    before = database_rows()

    response = visitor.post(
        f"/p/{world.reply.id}/edit", data={"csrf_token": token, "body": "Anonymous edit"}
    )

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert database_rows() == before
