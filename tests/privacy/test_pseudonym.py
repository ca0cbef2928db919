"""Changing the pseudonym: the sign-up rules, once every 30 days, shown on posts at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.accounts.models import User
from forum.db import utcnow
from forum.extensions import db
from forum.privacy import services
from tests.accounts.helpers import field_errors, form_errors, user_by_id
from tests.conftest import PASSWORD, login, post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


def _rename(client, pseudonym: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    data = {"rename-pseudonym": pseudonym, "rename-password": password}
    return post_form(client, "/settings/pseudonym", data, page="/settings")


@pytest.fixture
def member(ctx) -> User:
    return UserFactory(pseudonym="QuietHeron", pseudonym_key="quietheron")


def test_a_new_pseudonym_shows_on_posts_and_is_the_new_login(client, app, member):
    board = BoardFactory()
    other = UserFactory()
    thread = make_thread(board, member, "Evenings alone", "I light a candle.")
    make_reply(thread, other, "That sounds peaceful.")
    login(client, "QuietHeron")

    response = _rename(client, "GentleOtter")

    assert response.status_code == 302
    assert "Your pseudonym is now GentleOtter." in client.get("/settings").get_data(as_text=True)
    changed = user_by_id(member.id)
    assert (changed.pseudonym, changed.pseudonym_key) == ("GentleOtter", "gentleotter")
    assert changed.pseudonym_changed_at is not None
    reader = app.test_client()
    login(reader, other.pseudonym)
    page = reader.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "GentleOtter" in page and "QuietHeron" not in page
    assert reader.get("/u/GentleOtter").status_code == 200
    assert reader.get("/u/QuietHeron").status_code == 404
    assert login(app.test_client(), "GentleOtter").status_code == 302
    assert login(app.test_client(), "QuietHeron").status_code == 200  # refused


def test_a_second_change_within_30_days_is_refused_with_the_date(client, member):
    login(client, "QuietHeron")
    _rename(client, "GentleOtter")
    next_at = user_by_id(member.id).pseudonym_changed_at + timedelta(days=30)
    expected = f"{next_at:%-d %B %Y}"

    response = _rename(client, "BraveWren")

    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "You can change your pseudonym once every 30 days. Your next change is possible "
        f"on {expected}."
    ]
    assert user_by_id(member.id).pseudonym == "GentleOtter"
    settings = " ".join(client.get("/settings").get_data(as_text=True).split())
    assert "Your next change is possible on <time datetime=" in settings
    assert f">{expected}</time>" in settings
    assert 'action="/settings/pseudonym"' not in settings


def test_a_change_is_allowed_again_after_30_days(client, member):
    member.pseudonym_changed_at = utcnow() - timedelta(days=30, minutes=1)
    db.session.commit()
    login(client, "QuietHeron")
    assert _rename(client, "BraveWren").status_code == 302
    assert user_by_id(member.id).pseudonym == "BraveWren"


def test_next_change_date_is_30_days_after_the_last(ctx, member):
    assert services.next_pseudonym_change_at(member) is None
    changed = utcnow() - timedelta(days=29)
    member.pseudonym_changed_at = changed
    assert services.next_pseudonym_change_at(member) == changed + timedelta(days=30)
    member.pseudonym_changed_at = utcnow() - timedelta(days=31)
    assert services.next_pseudonym_change_at(member) is None


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("ＴａｋｅｎＮａｍｅ", "That pseudonym is taken. Please choose another."),
        ("takenname", "That pseudonym is taken. Please choose another."),
        ("ab", "A pseudonym is 3 to 30 characters long."),
        ("has space", "Use only letters, digits, underscores (_) and hyphens (-) in a pseudonym."),
        ("Moderator", "That name is reserved. Please choose another pseudonym."),
        ("QuietHeron", "That is already your pseudonym."),
    ],
)
def test_the_sign_up_rules_apply(client, member, pseudonym, message):
    UserFactory(pseudonym="TakenName", pseudonym_key="takenname")
    login(client, "QuietHeron")

    response = _rename(client, pseudonym)

    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "rename-pseudonym") == [message]
    unchanged = user_by_id(member.id)
    assert (unchanged.pseudonym, unchanged.pseudonym_changed_at) == ("QuietHeron", None)


def test_changing_only_the_case_is_a_change(client, member):
    login(client, "QuietHeron")
    assert _rename(client, "quietheron").status_code == 302
    assert user_by_id(member.id).pseudonym == "quietheron"


def test_the_old_pseudonym_becomes_free(client, app, member):
    login(client, "QuietHeron")
    _rename(client, "GentleOtter")
    newcomer = UserFactory(pseudonym="Someone", pseudonym_key="someone")
    login(app.test_client(), newcomer.pseudonym)
    assert services.change_pseudonym(newcomer, "QuietHeron", PASSWORD) == "QuietHeron"


def test_a_change_needs_the_password(client, member):
    login(client, "QuietHeron")
    response = _rename(client, "GentleOtter", "not my password")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "rename-password") == [
        "Your password is not right."
    ]
    assert user_by_id(member.id).pseudonym == "QuietHeron"


def test_a_change_needs_a_csrf_token(client, member):
    login(client, "QuietHeron")
    response = client.post(
        "/settings/pseudonym",
        data={"rename-pseudonym": "GentleOtter", "rename-password": PASSWORD},
    )
    assert response.status_code == 400
    assert user_by_id(member.id).pseudonym == "QuietHeron"
