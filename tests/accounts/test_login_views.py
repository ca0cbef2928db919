"""Logging in and out: the failure message, CSRF on logout, cookies and server-side sessions."""

from __future__ import annotations

from forum.accounts.models import User
from tests.accounts.helpers import (
    client_with_cookies,
    cookie_value,
    form_errors,
    is_logged_in,
    login_session_count,
)
from tests.conftest import login, logout, post_form
from tests.factories import UserFactory

SESSION = "kindred"
REMEMBER = "kindred_remember"
LOGIN_FAILED = "The pseudonym or password is wrong."


def _member() -> tuple[int, str]:
    member: User = UserFactory()
    return member.id, member.pseudonym


def test_login_with_the_right_password_logs_in_and_redirects_home(client):
    _, pseudonym = _member()
    response = login(client, pseudonym)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert f"Welcome back, {pseudonym}." in home
    assert is_logged_in(client)


def test_login_accepts_the_pseudonym_in_another_case_or_width(client):
    UserFactory(pseudonym="Quiet", pseudonym_key="quiet")
    assert login(client, "Ｑｕｉｅｔ").status_code == 302
    assert is_logged_in(client)


def test_login_failure_says_the_same_for_unknown_pseudonym_and_wrong_password(client):
    _, pseudonym = _member()
    wrong_password = login(client, pseudonym, "not the right password")
    unknown = login(client, "NobodyByThisName")
    assert wrong_password.status_code == unknown.status_code == 200
    wrong_page = wrong_password.get_data(as_text=True)
    unknown_page = unknown.get_data(as_text=True)
    assert form_errors(wrong_page) == form_errors(unknown_page) == [LOGIN_FAILED]
    assert '<ul class="field-errors"' not in wrong_page + unknown_page
    assert not is_logged_in(client)


def test_failed_login_starts_no_session(client):
    user_id, pseudonym = _member()
    login(client, pseudonym, "not the right password")
    assert login_session_count(user_id) == 0
    assert cookie_value(client, REMEMBER) is None


def test_logout_only_accepts_post(client):
    _, pseudonym = _member()
    login(client, pseudonym)
    response = client.get("/logout")
    assert response.status_code == 405
    assert "This page does not accept that kind of request." in response.get_data(as_text=True)
    assert is_logged_in(client)


def test_logout_without_a_csrf_token_is_refused_and_keeps_the_member_logged_in(client):
    user_id, pseudonym = _member()
    login(client, pseudonym)
    response = client.post("/logout")
    assert response.status_code == 400
    assert "The form had expired or was sent from elsewhere." in response.get_data(as_text=True)
    assert is_logged_in(client)
    assert login_session_count(user_id) == 1


def test_logout_logs_the_member_out(client):
    user_id, pseudonym = _member()
    login(client, pseudonym)
    response = logout(client)
    assert response.status_code == 302
    assert "You are logged out. Take care." in client.get("/").get_data(as_text=True)
    assert not is_logged_in(client)
    assert login_session_count(user_id) == 0


def test_a_copied_session_cookie_stops_working_after_logout(client, app):
    _, pseudonym = _member()
    login(client, pseudonym)
    copied = {SESSION: cookie_value(client, SESSION)}
    assert is_logged_in(client_with_cookies(app, copied))  # the copy works while logged in

    logout(client)

    assert not is_logged_in(client_with_cookies(app, copied))


def test_remember_me_sets_a_remember_cookie(client):
    _, pseudonym = _member()
    response = login(client, pseudonym, remember=True)
    set_cookies = response.headers.getlist("Set-Cookie")
    assert any(header.startswith(f"{REMEMBER}=") for header in set_cookies)
    assert cookie_value(client, REMEMBER)


def test_login_without_remember_me_sets_no_remember_cookie(client):
    _, pseudonym = _member()
    response = login(client, pseudonym)
    assert not any(h.startswith(f"{REMEMBER}=") for h in response.headers.getlist("Set-Cookie"))
    assert cookie_value(client, REMEMBER) is None


def test_the_remember_cookie_alone_logs_the_member_in_on_a_new_visit(client, app):
    _, pseudonym = _member()
    login(client, pseudonym, remember=True)
    browser = client_with_cookies(app, {REMEMBER: cookie_value(client, REMEMBER)})
    assert is_logged_in(browser)


def test_copied_session_and_remember_cookies_stop_working_after_logout(client, app):
    _, pseudonym = _member()
    login(client, pseudonym, remember=True)
    session_copy = {SESSION: cookie_value(client, SESSION)}
    remember_copy = {REMEMBER: cookie_value(client, REMEMBER)}

    logout(client)

    assert not is_logged_in(client_with_cookies(app, session_copy))
    assert not is_logged_in(client_with_cookies(app, remember_copy))
    assert not is_logged_in(client_with_cookies(app, {**session_copy, **remember_copy}))


def test_logging_out_in_one_browser_keeps_the_others_logged_in(client, app):
    user_id, pseudonym = _member()
    phone = app.test_client()
    login(client, pseudonym)
    login(phone, pseudonym)
    assert login_session_count(user_id) == 2

    logout(client)

    assert is_logged_in(phone)
    assert login_session_count(user_id) == 1


def test_the_session_cookie_changes_at_login(client, app):
    _, pseudonym = _member()
    client.get("/login")
    before = cookie_value(client, SESSION)
    assert before  # the login form's CSRF token lives in the session

    login(client, pseudonym)

    after = cookie_value(client, SESSION)
    assert after and after != before
    assert not is_logged_in(client_with_cookies(app, {SESSION: before}))


def test_a_session_naming_the_member_id_instead_of_a_login_token_logs_nobody_in(client, app):
    user_id, pseudonym = _member()
    login(client, pseudonym, remember=True)
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    assert not is_logged_in(forged)


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(client):
    _, pseudonym = _member()
    response = login(client, pseudonym, remember=True)
    headers = {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}
    assert set(headers) == {SESSION, REMEMBER}
    for header in headers.values():
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert "httponly" in attributes
        assert "samesite=lax" in attributes


def test_login_page_sends_a_logged_in_member_home(client):
    _, pseudonym = _member()
    login(client, pseudonym)
    response = post_form(client, "/login", {"pseudonym": pseudonym, "password": "x"}, page="/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_session_cookie_holds_no_hash_of_the_client_address_or_user_agent(client):
    user_id, pseudonym = _member()
    login(client, pseudonym, remember=True)
    with client.session_transaction() as session:
        stored = dict(session)
    assert "_id" not in stored  # Flask-Login's sha512 of "address|user agent"
    assert set(stored) <= {"_user_id", "_fresh", "_flashes", "csrf_token"}
    assert stored["_user_id"] != str(user_id)  # a revocable login token, not the member id


def test_logout_deletes_the_remember_cookie_from_the_browser(client):
    _, pseudonym = _member()
    login(client, pseudonym, remember=True)
    assert cookie_value(client, REMEMBER)
    logout(client)
    assert cookie_value(client, REMEMBER) is None
