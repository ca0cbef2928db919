"""Bad input never gives a 500: malformed requests get a 4xx page in the site layout."""

from __future__ import annotations

import html
import logging

import pytest
from werkzeug.exceptions import InternalServerError

from forum.errors import _unexpected_error
from forum.extensions import db
from forum.posts.models import Post, Thread
from tests.conftest import csrf_from, login, post_form
from tests.security.helpers import assert_site_layout, database_rows

FORM = "application/x-www-form-urlencoded"


def _thread_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Thread))


@pytest.mark.parametrize(
    "title",
    [b"%FF%FE", b"ok%C3", b"%ED%A0%80surrogate", b"\xff\xfe raw bytes", b"%C0%AF overlong"],
)
def test_invalid_utf8_in_a_form_body_is_refused_with_400(client, world, title):
    login(client, world.member.pseudonym)
    token = csrf_from(client, f"/b/{world.board.slug}/new").encode()
    before = database_rows()

    response = client.post(
        f"/b/{world.board.slug}/new",
        data=b"csrf_token=" + token + b"&title=" + title + b"&body=Some+words",
        content_type=FORM,
    )

    assert response.status_code == 400
    assert "not valid UTF-8" in assert_site_layout(response)
    assert database_rows() == before


def test_invalid_utf8_in_a_form_field_name_is_refused_with_400(client, world):
    token = csrf_from(client, "/login").encode()
    response = client.post(
        "/login", data=b"csrf_token=" + token + b"&%FF=x&pseudonym=a&password=b", content_type=FORM
    )
    assert response.status_code == 400
    assert_site_layout(response)


# WSGI carries the raw query bytes as a latin-1 string: "\xff" here is the byte 0xFF.
@pytest.mark.parametrize("query", ["q=%FF", "q=%C3%28", "%FF=1", "page=\xff", "older=%ED%A0%80"])
def test_invalid_utf8_in_the_query_string_is_refused_with_400(client, world, query):
    login(client, world.member.pseudonym)
    for url in ("/", f"/b/{world.board.slug}", f"/t/{world.thread.id}"):
        response = client.get(url, environ_overrides={"QUERY_STRING": query})
        assert response.status_code == 400, url
        assert "not valid UTF-8" in assert_site_layout(response)


def test_invalid_utf8_is_refused_for_visitors_too(client):
    response = client.get("/guidelines?x=%FF")
    assert response.status_code == 400
    assert_site_layout(response)


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "member"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_oversized_body_gets_a_413_page_in_the_site_layout(client, world, logged_in, encoding):
    if logged_in:
        login(client, world.member.pseudonym)
    token = csrf_from(client, f"/b/{world.board.slug}/new" if logged_in else "/login")
    before = database_rows()
    content_type = FORM if encoding == "urlencoded" else "multipart/form-data"

    response = client.post(
        f"/b/{world.board.slug}/new",
        data={"csrf_token": token, "title": "Big", "body": "x" * (300 * 1024)},
        content_type=content_type,
    )

    assert response.status_code == 413
    assert "That was too large" in assert_site_layout(response)
    assert database_rows() == before


def test_body_just_under_the_size_limit_is_not_refused_as_too_large(client, world):
    login(client, world.member.pseudonym)
    response = post_form(
        client, f"/b/{world.board.slug}/new", {"title": "Fits", "body": "y" * (200 * 1024)}
    )
    assert response.status_code == 400  # too long for a post, but not too large a request
    assert "A post is at most 20,000 characters" in response.get_data(as_text=True)


def test_over_long_title_is_a_form_error_and_keeps_what_was_typed(client, world):
    login(client, world.member.pseudonym)
    title = "My long title " * 11  # 154 characters
    body = "The body I wrote with care."
    response = post_form(client, f"/b/{world.board.slug}/new", {"title": title, "body": body})

    assert response.status_code == 400
    page = html.unescape(assert_site_layout(response))
    assert "A title is 3 to 150 characters long." in page
    assert f'value="{title}"' in page
    assert body in page
    assert _thread_count() == 1


def test_over_long_post_is_a_form_error_and_keeps_what_was_typed(client, world):
    login(client, world.member.pseudonym)
    body = ("All of these words matter. " * 741).strip()  # 20,006 characters
    response = post_form(client, f"/b/{world.board.slug}/new", {"title": "Long", "body": body})

    assert response.status_code == 400
    page = html.unescape(assert_site_layout(response))
    assert "A post is at most 20,000 characters; this one has 20,006." in page
    assert body in page
    assert _thread_count() == 1


def test_over_long_reply_is_a_form_error_and_keeps_what_was_typed(client, world):
    login(client, world.member.pseudonym)
    body = "Reply words. " * 1600  # 20,800 characters
    response = post_form(
        client, f"/t/{world.thread.id}/reply", {"body": body}, page=f"/t/{world.thread.id}"
    )

    assert response.status_code == 400
    page = html.unescape(assert_site_layout(response))
    assert "A post is at most 20,000 characters" in page
    assert body.strip() in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "hello\x07world", "control character (U+0007)"),
        ("body", "escape \x1b[31m red", "control character (U+001B)"),
        ("body", "null\x00byte", "NUL character"),
        ("body", "c1 \x85 control", "control character (U+0085)"),
        ("title", "tab\tin title", "control character (U+0009)"),
        ("title", "null\x00title", "NUL character"),
    ],
)
def test_control_characters_are_a_form_error(client, world, field, value, message):
    login(client, world.member.pseudonym)
    form = {"title": "A fine title", "body": "A fine body", field: value}
    before = database_rows()

    response = post_form(client, f"/b/{world.board.slug}/new", form)

    assert response.status_code == 400
    page = assert_site_layout(response)
    assert message in page
    assert 'class="field-errors"' in page
    assert database_rows() == before


def test_control_characters_in_an_edit_are_a_form_error_and_nothing_changes(client, world):
    login(client, world.member.pseudonym)
    before = database_rows()
    response = post_form(client, f"/p/{world.reply.id}/edit", {"body": "edited\x00"})
    assert response.status_code == 400
    assert "NUL character" in assert_site_layout(response)
    assert database_rows() == before


@pytest.mark.parametrize(
    "query",
    [
        "older=abc",
        "newer=abc",
        "older=1.x",
        "older=.",
        "older=1.2.3",
        "older=999999999999999999999999.1",
        "newer=-999999999999999999999999.1",
        "older=1700000000000000.99999999999999999999",
        "older=1700000000000000.-5",
    ],
)
def test_malformed_board_cursor_is_400(client, world, query):
    login(client, world.member.pseudonym)
    response = client.get(f"/b/{world.board.slug}?{query}")
    assert response.status_code == 400
    assert "That page link is not valid." in assert_site_layout(response)


@pytest.mark.parametrize("page", ["abc", "1.5", "0", "-5", "", "1e3", "²"])
def test_malformed_thread_page_is_400(client, world, page):
    login(client, world.member.pseudonym)
    response = client.get(f"/t/{world.thread.id}", query_string={"page": page})
    assert response.status_code == 400
    assert_site_layout(response)


def test_thread_page_beyond_the_last_goes_to_the_last_page(client, world):
    login(client, world.member.pseudonym)
    response = client.get(f"/t/{world.thread.id}?page=99999999999999999999999")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{world.thread.id}?page=1")


@pytest.mark.parametrize(
    "url",
    [
        "/t/{huge}",
        "/p/{huge}",
        "/p/{huge}/edit",
        "/p/{huge}/withdraw",
        "/p/{huge}/revisions",
        "/t/2147483648",
        "/b/%00",
        "/b/%00/new",
        "/u/%00",
        "/u/" + "x" * 5000,
    ],
)
def test_ids_and_names_no_row_can_have_are_404(client, world, url):
    login(client, world.member.pseudonym)
    response = client.get(url.format(huge="9" * 30))
    assert response.status_code == 404
    assert_site_layout(response)


def test_reply_to_an_impossible_thread_id_is_404(client, world):
    login(client, world.member.pseudonym)
    response = post_form(client, f"/t/{'9' * 30}/reply", {"body": "Hi"}, page="/settings")
    assert response.status_code == 404


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "member"])
def test_unknown_url_is_a_404_page_in_the_site_layout(client, world, logged_in):
    if logged_in:
        login(client, world.member.pseudonym)
    response = client.get("/this/page/does-not-exist")
    assert response.status_code == 404
    assert "find that page" in assert_site_layout(response)


@pytest.mark.parametrize(
    "url",
    [
        "/logout",
        "/settings/password",
        "/settings/recovery-codes",
        "/settings/delete",
        "/t/{thread}/reply",
    ],
)
def test_get_on_a_post_only_url_is_405(client, world, url):
    login(client, world.member.pseudonym)
    response = client.get(url.format(thread=world.thread.id))
    assert response.status_code == 405
    assert "Error 405" in assert_site_layout(response)


def test_400_page_uses_the_site_layout(client):
    response = client.post("/login", data={"pseudonym": "x", "password": "y"})
    assert response.status_code == 400
    assert "Error 400" in assert_site_layout(response)


def test_403_page_uses_the_site_layout(client, world):
    login(client, world.other.pseudonym)
    response = client.get(f"/p/{world.reply.id}/edit")
    assert response.status_code == 403
    assert "Error 403" in assert_site_layout(response)


def test_404_page_uses_the_site_layout(client):
    response = client.get("/nowhere")
    assert "Error 404" in assert_site_layout(response)


def test_429_page_uses_the_site_layout_when_the_rate_limit_is_hit(client):
    token = csrf_from(client, "/signup")
    statuses = [
        client.post("/signup", data={"csrf_token": token, "pseudonym": "x"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5  # the form comes back with errors
    assert statuses[5] == 429
    response = client.post("/signup", data={"csrf_token": token, "pseudonym": "x"})
    assert response.status_code == 429
    assert "Please slow down a little" in assert_site_layout(response)


def test_500_page_uses_the_site_layout_and_reveals_nothing(app, caplog):
    # Every failure reachable from outside is a 4xx (see the tests above), so the handler
    # registered for unexpected exceptions is exercised directly.
    assert app.error_handler_spec[None][None][Exception] is _unexpected_error
    caplog.set_level(logging.ERROR, logger="forum.errors")
    with app.test_request_context("/t/1"):
        body, status = _unexpected_error(RuntimeError("secret internal detail"))

    assert status == InternalServerError.code
    assert "Something went wrong on our side" in body
    assert "Need help now?" in body and "Quick exit" in body
    assert "secret internal detail" not in body and "RuntimeError" not in body
    assert "unhandled error" in caplog.text


def test_405_page_keeps_the_allow_header(client, world):
    login(client, world.member.pseudonym)
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert_site_layout(response)


def test_multipart_form_bodies_are_refused_with_400(client, world):
    login(client, world.member.pseudonym)
    token = csrf_from(client, f"/b/{world.board.slug}/new")
    before = _thread_count()
    response = client.post(
        f"/b/{world.board.slug}/new",
        data={"csrf_token": token, "title": "A multipart title", "body": "Some words"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "URL-encoded" in assert_site_layout(response)
    assert _thread_count() == before


def test_text_direction_controls_in_a_title_are_a_form_error(client, world):
    login(client, world.member.pseudonym)
    response = post_form(
        client,
        f"/b/{world.board.slug}/new",
        {"title": "invoice\u202etxt.exe", "body": "Some words"},
    )
    assert response.status_code == 400
    assert "text-direction control (U+202E); please remove it" in html.unescape(
        response.get_data(as_text=True)
    )
