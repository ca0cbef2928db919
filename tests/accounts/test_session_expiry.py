"""Login sessions end on the server after a fixed lifetime, whatever the cookie says."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from forum.accounts import services
from forum.accounts.models import LoginSession
from forum.db import utcnow
from forum.extensions import db
from tests.conftest import login
from tests.factories import UserFactory


def test_a_remembered_login_lasts_thirty_days_and_a_plain_one_a_day(ctx):
    member = UserFactory()
    services.start_login_session(member, remember=True)
    services.start_login_session(member, remember=False)
    db.session.commit()
    lifetimes = {
        row.remember: row.expires_at - row.created_at
        for row in db.session.scalars(select(LoginSession))
    }
    assert timedelta(days=29, hours=23) < lifetimes[True] <= timedelta(days=30)
    assert timedelta(hours=23) < lifetimes[False] <= timedelta(days=1)


def test_an_expired_login_session_is_refused_and_forgotten(client):
    member = UserFactory()
    login(client, member.pseudonym, remember=True)
    assert client.get("/settings").status_code == 200

    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    response = client.get("/settings")
    assert response.status_code == 302
    assert "/login" in response.location
    db.session.expire_all()
    assert db.session.scalars(select(LoginSession)).all() == []
