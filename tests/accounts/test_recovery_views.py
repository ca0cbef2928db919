"""The "forgot password" page: resetting with a one-time recovery code."""

from __future__ import annotations

import pytest

from forum.accounts.services import issue_recovery_codes, unused_recovery_code_count
from forum.extensions import db
from tests.accounts.helpers import (
    field_errors,
    form_errors,
    fresh,
    is_logged_in,
    login_session_count,
    user_by_id,
)
from tests.conftest import PASSWORD, login, post_form
from tests.factories import UserFactory

NEW_PASSWORD = "a brand new long password"
RECOVERY_FAILED = "The pseudonym or recovery code is wrong, or was used."


def _member_with_codes() -> tuple[int, str, list[str]]:
    member = UserFactory()
    codes = issue_recovery_codes(member)
    db.session.commit()
    return member.id, member.pseudonym, codes


def _recover(client, pseudonym: str, code: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    data = {"pseudonym": pseudonym, "code": code, "password": password, "confirm": password}
    return post_form(client, "/recover", data)


def test_login_page_links_to_the_recovery_page(client):
    assert 'href="/recover"' in client.get("/login").get_data(as_text=True)


def test_a_recovery_code_resets_the_password(client, app):
    user_id, pseudonym, codes = _member_with_codes()
    response = _recover(client, pseudonym, codes[0])
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Your password is changed. You have 9 recovery codes left." in page

    assert login(app.test_client(), pseudonym, PASSWORD).status_code == 200  # old one refused
    assert login(client, pseudonym, NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)
    assert unused_recovery_code_count(user_by_id(user_id)) == 9


def test_a_spent_recovery_code_fails_with_the_generic_message(client):
    user_id, pseudonym, codes = _member_with_codes()
    _recover(client, pseudonym, codes[0])
    fresh()
    hash_after_first_reset = user_by_id(user_id).password_hash

    response = _recover(client, pseudonym, codes[0], "someone else trying again")

    assert response.status_code == 200
    assert form_errors(response.get_data(as_text=True)) == [RECOVERY_FAILED]
    assert user_by_id(user_id).password_hash == hash_after_first_reset


@pytest.mark.parametrize("case", ["unknown pseudonym", "wrong code", "another member's code"])
def test_recovery_failures_all_give_one_generic_message(client, case):
    user_id, pseudonym, codes = _member_with_codes()
    _, other_pseudonym, _ = _member_with_codes()
    pseudonym, code = {
        "unknown pseudonym": ("NobodyByThisName", codes[0]),
        "wrong code": (pseudonym, "abcd-efgh-jkmn-pqrs"),
        "another member's code": (other_pseudonym, codes[0]),
    }[case]

    response = _recover(client, pseudonym, code)

    assert form_errors(response.get_data(as_text=True)) == [RECOVERY_FAILED]
    assert unused_recovery_code_count(user_by_id(user_id)) == 10


def test_recovery_with_a_weak_new_password_says_why_and_keeps_the_code(client):
    user_id, pseudonym, codes = _member_with_codes()
    response = _recover(client, pseudonym, codes[0], "password123")
    page = response.get_data(as_text=True)
    assert field_errors(page, "password") == [
        "That password is too easy to guess. Try a few unrelated words together."
    ]
    assert f'value="{pseudonym}"' in page
    assert unused_recovery_code_count(user_by_id(user_id)) == 10


def test_recovery_ends_every_login_session_of_the_member(client, app):
    user_id, pseudonym, codes = _member_with_codes()
    laptop = app.test_client()
    login(laptop, pseudonym, remember=True)
    assert is_logged_in(laptop)

    _recover(client, pseudonym, codes[0])

    assert login_session_count(user_id) == 0
    assert not is_logged_in(laptop)
