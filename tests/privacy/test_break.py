"""Take a break: the notification badge pauses, presence is hidden, and it can end early."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from forum.accounts.models import User
from forum.db import utcnow
from forum.extensions import db
from forum.notifications.services import notify, unread_count
from forum.privacy.services import BreakInvalid, break_end
from tests.accounts.helpers import field_errors, user_by_id
from tests.conftest import login, post_form
from tests.factories import BoardFactory, UserFactory, make_thread

BADGE = re.compile(r'<span class="badge unread-badge">(\d+)')
NOW = datetime(2027, 3, 10, 15, 30, tzinfo=UTC)


def _start(client, period: str, until: str = ""):  # type: ignore[no-untyped-def]
    data = {"break-period": period, "break-until": until}
    return post_form(client, "/settings/break", data, page="/settings")


def _end(client):  # type: ignore[no-untyped-def]
    return post_form(client, "/settings/break/end", {}, page="/settings")


def _badge(client) -> int | None:  # type: ignore[no-untyped-def]
    match = BADGE.search(client.get("/").get_data(as_text=True))
    return int(match.group(1)) if match else None


@pytest.fixture
def member(ctx) -> User:
    user = UserFactory()
    notify(user.id, "facilitator_message", "A message from the facilitators: welcome.")
    db.session.commit()
    return user


@pytest.mark.parametrize(
    ("period", "length"),
    [("day", timedelta(days=1)), ("week", timedelta(days=7)), ("month", timedelta(days=30))],
)
def test_a_break_of_a_set_period_ends_that_long_from_now(client, member, period, length):
    login(client, member.pseudonym)
    started = utcnow()

    response = _start(client, period)

    assert response.status_code == 302
    until = user_by_id(member.id).break_until
    assert started + length <= until <= utcnow() + length
    assert "Enjoy your break." in client.get("/settings").get_data(as_text=True)


def test_a_break_until_a_date_ends_as_that_day_begins(client, member):
    login(client, member.pseudonym)
    day = (utcnow() + timedelta(days=12)).date()

    assert _start(client, "date", day.isoformat()).status_code == 302

    assert user_by_id(member.id).break_until == datetime(day.year, day.month, day.day, tzinfo=UTC)


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("", "Please choose the date your break ends."),
        ("2001-01-01", "Please choose a date after today."),
        ("2999-01-01", "A break can last up to a year. Please choose an earlier date."),
    ],
)
def test_a_break_until_a_date_needs_a_date_after_today_within_a_year(
    client, member, until, message
):
    login(client, member.pseudonym)
    response = _start(client, "date", until)
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "break-period") == [message]
    assert user_by_id(member.id).break_until is None


def test_a_break_needs_a_period(client, member):
    login(client, member.pseudonym)
    response = _start(client, "")
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "break-period") == [
        "Please choose how long your break lasts."
    ]


def test_break_end_rules():
    assert break_end("week", now=NOW) == NOW + timedelta(days=7)
    assert break_end("date", date(2027, 3, 11), now=NOW) == datetime(2027, 3, 11, tzinfo=UTC)
    with pytest.raises(BreakInvalid):
        break_end("date", date(2027, 3, 10), now=NOW)  # today has begun already
    with pytest.raises(BreakInvalid):
        break_end("fortnight", now=NOW)


def test_during_a_break_the_badge_is_paused_but_notifications_are_kept(client, member):
    login(client, member.pseudonym)
    assert _badge(client) == 1

    _start(client, "week")
    notify(member.id, "post_approved", "A facilitator approved your post.")
    db.session.commit()

    assert _badge(client) is None
    assert unread_count(member.id) == 2
    page = client.get("/notifications").get_data(as_text=True)
    assert "A facilitator approved your post." in page


def test_ending_a_break_early_brings_the_badge_back_with_what_arrived(client, member):
    login(client, member.pseudonym)
    _start(client, "month")
    notify(member.id, "post_approved", "A facilitator approved your post.")
    db.session.commit()
    assert "End my break now" in client.get("/settings").get_data(as_text=True)

    response = _end(client)

    assert response.status_code == 302
    assert "Welcome back." in client.get("/settings").get_data(as_text=True)
    assert user_by_id(member.id).break_until is None
    assert _badge(client) == 2


def test_a_break_that_has_run_out_no_longer_pauses_anything(client, member):
    member.break_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login(client, member.pseudonym)
    assert _badge(client) == 1


def test_during_a_break_others_see_no_recent_activity_on_the_profile(client, app, member):
    make_thread(BoardFactory(), member, "A walk by the river", "It was quiet.")
    reader = UserFactory()
    reader_client = app.test_client()
    login(reader_client, reader.pseudonym)
    assert "A walk by the river" in reader_client.get(f"/u/{member.pseudonym}").get_data(
        as_text=True
    )
    login(client, member.pseudonym)

    _start(client, "day")

    page = reader_client.get(f"/u/{member.pseudonym}").get_data(as_text=True)
    assert f"<h1>{member.pseudonym}</h1>" in page
    assert "A walk by the river" not in page
    assert "Recent posts" not in page
    assert "No posts yet." not in page
    assert "break" not in page.split('<main id="main"', 1)[1].lower()

    own = client.get(f"/u/{member.pseudonym}").get_data(as_text=True)
    assert "A walk by the river" in own
    assert "others don’t see your recent posts" in own

    _end(client)
    assert "A walk by the river" in reader_client.get(f"/u/{member.pseudonym}").get_data(
        as_text=True
    )


def test_break_forms_need_a_csrf_token(client, member):
    login(client, member.pseudonym)
    assert client.post("/settings/break", data={"break-period": "week"}).status_code == 400
    assert user_by_id(member.id).break_until is None
    _start(client, "week")
    assert client.post("/settings/break/end").status_code == 400
    assert user_by_id(member.id).break_until is not None
