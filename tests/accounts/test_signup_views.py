"""The sign-up page: what it asks, what it refuses and say why, and the recovery codes."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.accounts.pseudonyms import normalise_pseudonym
from forum.extensions import db
from tests.accounts.helpers import (
    field_errors,
    fresh,
    input_names,
    is_logged_in,
    recovery_codes,
    signup,
)
from tests.conftest import CSRF_RE, login
from tests.factories import UserFactory


def _user_count() -> int:
    fresh()
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_signup_page_asks_only_pseudonym_password_confirmation_and_guidelines(client):
    page = client.get("/signup").get_data(as_text=True)
    assert input_names(page) == {"csrf_token", "pseudonym", "password", "confirm",
                                 "accept_guidelines"}  # fmt: skip
    assert 'type="email"' not in page
    assert "mail" not in " ".join(input_names(page))


def test_signup_page_shows_pseudonym_suggestions_and_warns_against_real_names(client):
    page = html.unescape(client.get("/signup").get_data(as_text=True))
    suggestions = re.search(r'<p class="suggestions">(.*?)</p>', page, re.S).group(1)
    names = re.findall(r"<code>([^<]+)</code>", suggestions)
    assert len(names) == 4
    assert all(normalise_pseudonym(name)[0] == name for name in names)
    assert "Please don't use your real name or a name people know you by." in page


def test_signup_creates_a_member_logs_them_in_and_shows_ten_recovery_codes(client):
    response = signup(client, "QuietHeron")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Welcome to Kindred, QuietHeron" in page
    assert "This is the only time they are shown" in page
    codes = recovery_codes(response)
    assert len(codes) == len(set(codes)) == 10
    assert is_logged_in(client)
    fresh()
    member = db.session.scalar(select(User).where(User.pseudonym_key == "quietheron"))
    assert member.pseudonym == "QuietHeron"
    assert member.password_hash.startswith("scrypt:")
    assert member.guidelines_accepted_at is not None
    assert member.role == "member"


def test_recovery_codes_are_not_shown_again_after_sign_up(client):
    codes = recovery_codes(signup(client, "QuietHeron"))
    for url in ("/", "/settings", "/u/QuietHeron"):
        page = client.get(url).get_data(as_text=True)
        assert not any(code in page for code in codes), url
    assert "You have 10 unused recovery codes." in client.get("/settings").get_data(as_text=True)


def test_recovery_codes_are_stored_only_as_hashes(client):
    codes = recovery_codes(signup(client, "QuietHeron"))
    fresh()
    stored = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            stored.extend(str(value).lower() for value in row)
    dump = "\n".join(stored)
    assert len(codes) == 10
    for code in codes:
        assert code not in dump
        assert code.replace("-", "") not in dump


@pytest.mark.parametrize(
    ("pseudonym", "password", "confirm", "field", "message"),
    [
        ("ab", None, None, "pseudonym", "A pseudonym is 3 to 30 characters long."),
        ("quiet heron", None, None, "pseudonym",
         "Use only letters, digits, underscores (_) and hyphens (-) in a pseudonym."),
        ("Ad-min", None, None, "pseudonym",
         "That name is reserved. Please choose another pseudonym."),
        ("ADMIN", None, None, "pseudonym",
         "That name is reserved. Please choose another pseudonym."),
        ("QuietHeron", "tiny-pw9", None, "password", "Use at least 10 characters."),
        ("QuietHeron", "Password123", None, "password",
         "That password is too easy to guess. Try a few unrelated words together."),
        ("QuietHeron", "a long enough password", "a different password", "confirm",
         "The two passwords are not the same."),
    ],
)  # fmt: skip
def test_signup_errors_are_specific_and_keep_the_typed_pseudonym(
    client, pseudonym, password, confirm, field, message
):
    kwargs = {"password": password} if password else {}
    response = signup(client, pseudonym, confirm=confirm, **kwargs)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(page, field) == [message]
    assert f'value="{pseudonym}"' in page
    if password:
        assert password not in page  # passwords are never sent back
    assert _user_count() == 0
    assert not is_logged_in(client)


def test_signup_needs_the_guidelines_accepted(client):
    page = signup(client, "QuietHeron", accept=False).get_data(as_text=True)
    assert field_errors(page, "accept_guidelines") == [
        "Please accept the community guidelines to join."
    ]
    assert 'value="QuietHeron"' in page
    assert _user_count() == 0


def test_signup_needs_a_pseudonym(client):
    page = signup(client, "").get_data(as_text=True)
    assert field_errors(page, "pseudonym") == ["Please choose a pseudonym."]
    assert _user_count() == 0


def test_signup_refuses_a_pseudonym_taken_in_another_case_or_width(client):
    UserFactory(pseudonym="quiet", pseudonym_key="quiet")
    page = signup(client, "Ｑｕｉｅｔ").get_data(as_text=True)
    assert field_errors(page, "pseudonym") == ["That pseudonym is taken. Please choose another."]
    assert 'value="Ｑｕｉｅｔ"' in page
    assert _user_count() == 1


def test_new_member_can_log_in_later_with_their_password(client, app):
    signup(client, "QuietHeron")
    other = app.test_client()
    assert login(other, "quietheron").status_code == 302
    assert is_logged_in(other)


def test_signup_page_sends_a_logged_in_member_home(client):
    member = UserFactory()
    login(client, member.pseudonym)
    response = client.get("/signup")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_new_member_can_log_out_from_the_recovery_codes_page(client):
    response = signup(client, "QuietHeron")
    token = CSRF_RE.search(response.get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(client)
