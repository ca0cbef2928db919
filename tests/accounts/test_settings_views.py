"""Settings: changing the password, new recovery codes and deleting the account."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from forum.accounts.services import issue_recovery_codes, unused_recovery_code_count
from forum.boards.models import BoardFacilitator
from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.posts.models import Post, Thread
from tests.accounts.helpers import (
    client_with_cookies,
    cookie_value,
    field_errors,
    form_errors,
    fresh,
    is_logged_in,
    login_session_count,
    recovery_code_count,
    recovery_codes,
    user_by_id,
)
from tests.conftest import PASSWORD, login, post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread

NEW_PASSWORD = "a brand new long password"
SESSION = "kindred"
REMEMBER = "kindred_remember"


def _member(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A member with recovery codes, logged in on `client`."""
    member = UserFactory()
    issue_recovery_codes(member)
    db.session.commit()
    user_id, pseudonym = member.id, member.pseudonym
    login(client, pseudonym)
    return user_id, pseudonym


def _change_password(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):  # type: ignore[no-untyped-def]
    data = {"current": current, "password": new, "confirm": new if confirm is None else confirm}
    return post_form(client, "/settings/password", data, page="/settings")


def _regenerate_codes(client, password: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/settings/recovery-codes", {"codes-password": password}, "/settings")


def _delete_account(client, password: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/settings/delete", {"delete-password": password}, page="/settings")


def _recover(client, pseudonym: str, code: str):  # type: ignore[no-untyped-def]
    data = {"pseudonym": pseudonym, "code": code, "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD}  # fmt: skip
    return post_form(client, "/recover", data)


def test_settings_page_shows_the_number_of_unused_recovery_codes(client):
    _member(client)
    page = client.get("/settings").get_data(as_text=True)
    assert "You have 10 unused recovery codes." in page


# Changing the password


def test_change_password_with_the_wrong_current_password_changes_nothing(client, app):
    user_id, pseudonym = _member(client)
    phone = app.test_client()
    login(phone, pseudonym)
    hash_before = user_by_id(user_id).password_hash

    response = _change_password(client, "not my current password")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_errors(page, "current") == ["Your current password is not right."]
    assert user_by_id(user_id).password_hash == hash_before
    assert is_logged_in(client) and is_logged_in(phone)
    assert login_session_count(user_id) == 2


def test_change_password_refuses_a_weak_new_password(client):
    user_id, _ = _member(client)
    hash_before = user_by_id(user_id).password_hash
    response = _change_password(client, PASSWORD, "tiny-pw9")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "password") == [
        "Use at least 10 characters."
    ]
    assert user_by_id(user_id).password_hash == hash_before


def test_change_password_needs_the_new_password_typed_twice_the_same(client):
    user_id, _ = _member(client)
    hash_before = user_by_id(user_id).password_hash
    response = _change_password(client, PASSWORD, NEW_PASSWORD, "something else entirely")
    assert field_errors(response.get_data(as_text=True), "confirm") == [
        "The two passwords are not the same."
    ]
    assert user_by_id(user_id).password_hash == hash_before


def test_change_password_replaces_the_old_password(client, app):
    user_id, pseudonym = _member(client)
    response = _change_password(client, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    assert "Other devices have been logged out." in client.get("/settings").get_data(as_text=True)
    member = user_by_id(user_id)
    assert member.password_hash.startswith("scrypt:")
    assert check_password_hash(member.password_hash, NEW_PASSWORD)
    assert login(app.test_client(), pseudonym, PASSWORD).status_code == 200
    assert login(app.test_client(), pseudonym, NEW_PASSWORD).status_code == 302


def test_change_password_ends_other_sessions_and_keeps_the_current_one(client, app):
    user_id, pseudonym = _member(client)
    laptop = app.test_client()
    login(laptop, pseudonym, remember=True)
    laptop_session = {SESSION: cookie_value(laptop, SESSION)}
    laptop_remember = {REMEMBER: cookie_value(laptop, REMEMBER)}

    _change_password(client, PASSWORD)

    assert is_logged_in(client)
    assert login_session_count(user_id) == 1
    assert not is_logged_in(laptop)
    assert not is_logged_in(client_with_cookies(app, laptop_session))
    assert not is_logged_in(client_with_cookies(app, laptop_remember))


# Recovery codes


def test_new_recovery_codes_need_the_password(client):
    user_id, _ = _member(client)
    old_code_count = recovery_code_count(user_id)

    response = _regenerate_codes(client, "not my password")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_errors(page, "codes-password") == ["Your password is not right."]
    assert recovery_codes(response) == []
    assert recovery_code_count(user_id) == old_code_count == 10


def test_new_recovery_codes_are_shown_once_and_replace_the_old_ones(client, app):
    member = UserFactory()
    old_codes = issue_recovery_codes(member)
    db.session.commit()
    user_id, pseudonym = member.id, member.pseudonym
    login(client, pseudonym)

    response = _regenerate_codes(client, PASSWORD)

    assert response.status_code == 200
    assert "Your new recovery codes" in response.get_data(as_text=True)
    new_codes = recovery_codes(response)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert recovery_code_count(user_id) == 10

    visitor = app.test_client()
    refused = _recover(visitor, pseudonym, old_codes[0])
    assert form_errors(refused.get_data(as_text=True)) == [
        "The pseudonym or recovery code is wrong, or was used."
    ]
    assert _recover(visitor, pseudonym, new_codes[0]).status_code == 302
    assert unused_recovery_code_count(user_by_id(user_id)) == 9


# Deleting the account


def test_deleting_the_account_needs_the_password(client):
    user_id, _ = _member(client)
    response = _delete_account(client, "not my password")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "delete-password") == [
        "Your password is not right."
    ]
    assert user_by_id(user_id) is not None
    assert is_logged_in(client)


def test_deleting_the_account_removes_the_member_their_sessions_and_codes(client, app):
    user_id, pseudonym = _member(client)
    grant_facilitator(user_by_id(user_id), BoardFactory())
    db.session.commit()
    phone = app.test_client()
    login(phone, pseudonym)
    assert login_session_count(user_id) == 2

    response = _delete_account(client, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Your account is deleted." in client.get("/").get_data(as_text=True)
    assert user_by_id(user_id) is None
    assert login_session_count(user_id) == 0
    assert recovery_code_count(user_id) == 0
    assert db.session.scalars(select(BoardFacilitator).filter_by(user_id=user_id)).all() == []
    assert not is_logged_in(client)
    assert not is_logged_in(phone)
    assert login(app.test_client(), pseudonym).status_code == 200


def test_copied_cookies_stop_working_after_the_account_is_deleted(client, app):
    member = UserFactory()
    pseudonym = member.pseudonym
    login(client, pseudonym, remember=True)
    copied = {SESSION: cookie_value(client, SESSION), REMEMBER: cookie_value(client, REMEMBER)}
    assert is_logged_in(client_with_cookies(app, copied))

    _delete_account(client, PASSWORD)

    assert cookie_value(client, REMEMBER) is None
    assert not is_logged_in(client_with_cookies(app, {SESSION: copied[SESSION]}))
    assert not is_logged_in(client_with_cookies(app, {REMEMBER: copied[REMEMBER]}))


def test_posts_of_a_deleted_account_remain_and_show_a_former_member(client, app):
    board = BoardFactory()
    leaving, staying = UserFactory(), UserFactory()
    thread = make_thread(board, leaving, title="Finding my feet", body="My first words here.")
    make_reply(thread, staying, body="Welcome, glad you came.")
    thread_id, leaving_name, staying_name = thread.id, leaving.pseudonym, staying.pseudonym
    login(client, leaving_name)

    _delete_account(client, PASSWORD)

    fresh()
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread_id)).all()
    assert len(posts) == 2
    assert db.session.get(Thread, thread_id).author_id is None
    reader = app.test_client()
    login(reader, staying_name)
    page = reader.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "My first words here." in page
    assert "A former member" in page
    assert leaving_name not in page
    assert staying_name in page
    board_page = reader.get(f"/b/{board.slug}").get_data(as_text=True)
    assert "by a former member" in board_page
