"""Sanctions from the item page (note, warning, mute, suspension), their expiry, the
suspended member's confinement, and the one appeal per sanction."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from forum.accounts.models import LoginSession, User
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.models import Sanction
from forum.posts.models import Post
from tests.conftest import login, post_form
from tests.factories import UserFactory
from tests.moderation.helpers_review import (
    act,
    flashes,
    fresh,
    log_rows,
    logged_in,
    main,
    notifications_of,
    text_of,
    user_by_id,
)

REASON = "Please keep replies kind, even on hard days."


def sanction(app, scene, item, kind, days=None, reason=REASON):  # type: ignore[no-untyped-def]
    fields = {"kind": kind, "reason": reason} | ({"days": str(days)} if days else {})
    return act(logged_in(app, scene.facilitator), item.id, "sanction", **fields)


def sanctions_of(user: User) -> list[Sanction]:
    fresh()
    return list(db.session.scalars(select(Sanction).where(Sanction.user_id == user.id)))


def reply(client, scene, body="I am still here."):  # type: ignore[no-untyped-def]
    url = f"/t/{scene.thread.id}"
    return post_form(client, f"{url}/reply", {"body": body}, page=url)


def post_count(user: User) -> int:
    fresh()
    return db.session.scalar(
        select(func.count()).select_from(Post).where(Post.author_id == user.id)
    )


def location(response) -> str:  # type: ignore[no-untyped-def]
    return urlsplit(response.headers["Location"]).path


def close_to(moment, expected) -> bool:  # type: ignore[no-untyped-def]
    return abs(moment - expected) < timedelta(minutes=1)


# The ladder.


@pytest.mark.parametrize(
    ("kind", "days", "expires_in"),
    [
        ("note", None, None),
        ("warning", None, None),
        ("mute", 3, timedelta(days=3)),
        ("suspension", 2, timedelta(days=2)),
    ],
)
def test_each_sanction_is_recorded_with_a_reason_and_expiry_the_member_sees(
    app, scene, item, kind, days, expires_in
):
    response = sanction(app, scene, item, kind, days)

    assert response.status_code == 302
    [recorded] = sanctions_of(scene.author)
    assert (recorded.kind, recorded.reason) == (kind, REASON)
    assert (recorded.created_by_id, recorded.review_item_id) == (scene.facilitator.id, item.id)
    if expires_in is None:
        assert recorded.expires_at is None
    else:
        assert close_to(recorded.expires_at, utcnow() + expires_in)
    [note] = notifications_of(scene.author)
    assert note.kind == f"sanction_{kind}"
    assert REASON in note.text
    assert ("until" in note.text) == (expires_in is not None)
    assert scene.facilitator.pseudonym not in note.text
    [row] = log_rows()
    assert (row.action, row.reason, row.subject_user_id) == (
        f"sanction_{kind}", REASON, scene.author.id,
    )  # fmt: skip

    author = app.test_client()
    login(author, scene.author.pseudonym)
    page = main(text_of(author.get("/me/moderation")))
    assert f"<strong>{kind.capitalize()}</strong>" in page
    assert f"The reason: {REASON}" in page
    if expires_in is not None:
        assert f"until {recorded.expires_at:%-d %B %Y, %H:%M} UTC" in page
    assert scene.facilitator.pseudonym not in page


def test_a_mute_lasts_seven_days_unless_told_otherwise(app, scene, item):
    sanction(app, scene, item, "mute")
    assert close_to(user_by_id(scene.author.id).muted_until, utcnow() + timedelta(days=7))


def test_a_sanction_needs_a_reason(app, scene, item):
    response = sanction(app, scene, item, "mute", 3, reason="")
    assert response.status_code == 400
    assert "Please give a reason." in text_of(response)
    assert sanctions_of(scene.author) == []
    assert user_by_id(scene.author.id).muted_until is None
    assert log_rows() == []


def test_a_sanction_of_a_deleted_account_is_refused(app, scene, item):
    db.session.delete(db.session.get(User, scene.author.id))
    db.session.commit()
    response = sanction(app, scene, item, "warning")
    assert response.status_code == 409
    assert "The author's account no longer exists." in flashes(text_of(response))
    assert log_rows() == []


# Mute.


def test_a_muted_member_can_read_but_not_post(app, scene, item):
    author = logged_in(app, scene.author)
    sanction(app, scene, item, "mute", 3)
    before = post_count(scene.author)

    assert author.get(f"/t/{scene.thread.id}").status_code == 200
    response = reply(author, scene)
    assert response.status_code == 400
    assert "You can read Kindred but can&#39;t post until" in text_of(response)
    new_thread = post_form(author, f"/b/{scene.board.slug}/new",
                           {"title": "A new thread", "body": "Hello."})  # fmt: skip
    assert new_thread.status_code == 400
    assert "You can read Kindred but can&#39;t post until" in text_of(new_thread)
    assert post_count(scene.author) == before


def test_a_muted_member_can_post_again_once_the_mute_expires(app, scene, item):
    sanction(app, scene, item, "mute", 3)
    past = utcnow() - timedelta(minutes=1)
    db.session.execute(update(User).where(User.id == scene.author.id).values(muted_until=past))
    db.session.execute(
        update(Sanction).where(Sanction.user_id == scene.author.id).values(expires_at=past)
    )
    db.session.commit()
    before = post_count(scene.author)

    response = reply(logged_in(app, scene.author), scene, "Back again, thank you.")

    assert response.status_code == 302
    assert post_count(scene.author) == before + 1


# Suspension.


def test_a_suspension_ends_the_members_sessions(app, scene, item):
    author = logged_in(app, scene.author)
    remembered = app.test_client()
    login(remembered, scene.author.pseudonym, remember=True)

    sanction(app, scene, item, "suspension", 3)

    fresh()
    sessions = select(func.count()).select_from(LoginSession)
    assert db.session.scalar(sessions.where(LoginSession.user_id == scene.author.id)) == 0
    for browser in (author, remembered):
        response = browser.get("/settings")
        assert response.status_code == 302
        assert location(response) == "/login"


def _suspended_and_logged_in(app, scene, item):  # type: ignore[no-untyped-def]
    sanction(app, scene, item, "suspension", 3)
    author = app.test_client()
    response = login(author, scene.author.pseudonym)
    assert response.status_code == 302
    landing = author.get(response.headers["Location"])
    assert landing.status_code == 302 and location(landing) == "/me/moderation"
    return author


@pytest.mark.parametrize(
    "path",
    ["/", "/b/{board}", "/t/{thread}", "/p/{post}", "/settings", "/b/{board}/new",
     "/p/{post}/edit", "/p/{other}/report", "/u/{name}"],
)  # fmt: skip
def test_a_suspended_member_is_confined_to_their_moderation_page(app, scene, item, path):
    author = _suspended_and_logged_in(app, scene, item)
    url = path.format(board=scene.board.slug, thread=scene.thread.id, post=scene.post.id,
                      other=scene.opening.id, name=scene.member.pseudonym)  # fmt: skip
    response = author.get(url)
    assert response.status_code == 302
    assert location(response) == "/me/moderation"


def test_a_suspended_member_cannot_post(app, scene, item):
    author = _suspended_and_logged_in(app, scene, item)
    before = post_count(scene.author)
    url = f"/t/{scene.thread.id}/reply"
    response = post_form(author, url, {"body": "Hello?"}, page="/me/moderation")
    assert response.status_code == 302
    assert location(response) == "/me/moderation"
    assert post_count(scene.author) == before


def test_a_suspended_member_sees_why_and_until_when(app, scene, item):
    author = _suspended_and_logged_in(app, scene, item)
    page = main(text_of(author.get("/me/moderation")))
    until = user_by_id(scene.author.id).suspended_until
    assert f"Your account is suspended until {until:%-d %B %Y, %H:%M} UTC" in page
    assert f"The reason: {REASON}" in page
    for path in ("/notifications", "/help", "/guidelines"):
        assert author.get(path).status_code == 200, path


def test_an_expired_suspension_frees_the_member(app, scene, item):
    sanction(app, scene, item, "suspension", 3)
    past = utcnow() - timedelta(minutes=1)
    db.session.execute(update(User).where(User.id == scene.author.id).values(suspended_until=past))
    db.session.commit()

    author = logged_in(app, scene.author)

    assert author.get(f"/t/{scene.thread.id}").status_code == 200
    assert reply(author, scene).status_code == 302


# Appeals.


def appeal(client, sanction_id, text="I was upset that night; I have apologised since."):  # type: ignore[no-untyped-def]
    return post_form(client, f"/me/sanctions/{sanction_id}/appeal", {"text": text},
                     page="/me/moderation")  # fmt: skip


def decide(client, sanction_id, outcome, reason=""):  # type: ignore[no-untyped-def]
    data = {"outcome": outcome, "reason": reason}
    return post_form(client, f"/review/appeals/{sanction_id}", data, page="/review/appeals")


@pytest.fixture
def muted(app, scene, item):  # type: ignore[no-untyped-def]
    """The author, muted for 3 days; their sanction."""
    sanction(app, scene, item, "mute", 3)
    [recorded] = sanctions_of(scene.author)
    return recorded


def test_a_member_can_appeal_a_sanction_from_their_moderation_page(app, scene, muted):
    author = logged_in(app, scene.author)
    page = text_of(author.get("/me/moderation"))
    assert f'action="/me/sanctions/{muted.id}/appeal"' in page

    response = appeal(author, muted.id)

    assert response.status_code == 302
    assert location(response) == "/me/moderation"
    page = text_of(author.get("/me/moderation"))
    assert "Your appeal is sent." in " ".join(flashes(page))
    assert f'action="/me/sanctions/{muted.id}/appeal"' not in page
    assert "Outcome: pending." in page
    [recorded] = sanctions_of(scene.author)
    assert recorded.appeal_text == "I was upset that night; I have apologised since."
    assert [n.kind for n in notifications_of(scene.admin)] == ["appeal"]


def test_a_second_appeal_against_the_same_sanction_is_refused(app, scene, muted):
    author = logged_in(app, scene.author)
    appeal(author, muted.id)

    appeal(author, muted.id, "A second, different appeal text.")

    assert "You have already appealed this decision." in flashes(
        text_of(author.get("/me/moderation"))
    )
    [recorded] = sanctions_of(scene.author)
    assert recorded.appeal_text == "I was upset that night; I have apologised since."
    assert len(notifications_of(scene.admin)) == 1
    assert len(log_rows(action="appeal")) == 1


def test_an_appeal_needs_a_few_words(app, scene, muted):
    author = logged_in(app, scene.author)
    appeal(author, muted.id, "unfair")
    assert "Please explain your appeal in 10 to 2,000 characters." in flashes(
        text_of(author.get("/me/moderation"))
    )
    assert sanctions_of(scene.author)[0].appealed_at is None


def test_a_member_cannot_appeal_someone_elses_sanction(app, scene, muted):
    stranger = logged_in(app, scene.member)
    appeal(stranger, muted.id)
    assert "There is no such sanction on your account." in flashes(
        text_of(stranger.get("/me/moderation"))
    )
    assert sanctions_of(scene.author)[0].appealed_at is None


def test_a_suspended_member_can_appeal(app, scene, item):
    author = _suspended_and_logged_in(app, scene, item)
    [recorded] = sanctions_of(scene.author)
    assert appeal(author, recorded.id).status_code == 302
    assert sanctions_of(scene.author)[0].appeal_outcome == "pending"


def test_admins_see_pending_appeals(app, scene, muted):
    appeal(logged_in(app, scene.author), muted.id)
    page = main(text_of(logged_in(app, scene.admin).get("/review/appeals")))
    assert "Mute appealed" in page
    assert f"The reason given:</strong> {REASON}" in page
    assert "I was upset that night; I have apologised since." in page
    assert f'action="/review/appeals/{muted.id}"' in page


@pytest.mark.parametrize("who", ["facilitator", "outsider", "member"])
def test_non_admins_get_403_on_appeals(app, scene, muted, who):
    appeal(logged_in(app, scene.author), muted.id)
    client = logged_in(app, getattr(scene, who))
    assert client.get("/review/appeals").status_code == 403
    response = decide(client, muted.id, "overturn")
    assert response.status_code == 403
    recorded = sanctions_of(scene.author)[0]
    assert (recorded.appeal_outcome, recorded.lifted_at) == ("pending", None)


def test_overturning_an_appeal_lifts_the_sanction_and_tells_the_member(app, scene, muted):
    author = logged_in(app, scene.author)
    appeal(author, muted.id)
    admin = logged_in(app, scene.admin)

    response = decide(admin, muted.id, "overturn", "We read the thread again; you were fine.")

    assert response.status_code == 302
    recorded = sanctions_of(scene.author)[0]
    assert recorded.appeal_outcome == "overturned"
    assert recorded.lifted_at is not None
    assert user_by_id(scene.author.id).muted_until is None
    outcome = [n.text for n in notifications_of(scene.author) if n.kind == "appeal_outcome"]
    assert outcome == ["Your appeal was overturned; the sanction is lifted. We read the thread "
                       "again; you were fine."]  # fmt: skip
    assert reply(author, scene).status_code == 302
    assert "No appeals are waiting." in text_of(admin.get("/review/appeals"))
    assert "lifted" in main(text_of(author.get("/me/moderation")))
    [row] = log_rows(action="appeal_decided")
    assert (row.actor_id, row.subject_user_id) == (scene.admin.id, scene.author.id)


def test_overturning_a_suspension_lets_the_member_back_in(app, scene, item):
    author = _suspended_and_logged_in(app, scene, item)
    [recorded] = sanctions_of(scene.author)
    appeal(author, recorded.id)

    decide(logged_in(app, scene.admin), recorded.id, "overturn")

    assert user_by_id(scene.author.id).suspended_until is None
    assert author.get(f"/t/{scene.thread.id}").status_code == 200


def test_upholding_an_appeal_keeps_the_sanction(app, scene, muted):
    author = logged_in(app, scene.author)
    appeal(author, muted.id)

    decide(logged_in(app, scene.admin), muted.id, "uphold", "The reply was hurtful.")

    recorded = sanctions_of(scene.author)[0]
    assert (recorded.appeal_outcome, recorded.lifted_at) == ("upheld", None)
    assert user_by_id(scene.author.id).is_muted()
    outcome = [n.text for n in notifications_of(scene.author) if n.kind == "appeal_outcome"]
    assert outcome == ["Your appeal was upheld. The reply was hurtful."]
    assert reply(author, scene).status_code == 400


def test_an_appeal_is_decided_once(app, scene, muted):
    appeal(logged_in(app, scene.author), muted.id)
    admin = logged_in(app, scene.admin)
    decide(admin, muted.id, "uphold")
    second_admin = UserFactory(is_admin=True)

    decide(logged_in(app, second_admin), muted.id, "overturn")

    assert sanctions_of(scene.author)[0].appeal_outcome == "upheld"
    assert len(log_rows(action="appeal_decided")) == 1


def test_the_admin_who_made_a_sanction_cannot_decide_its_appeal(app, scene, item):
    act(logged_in(app, scene.admin), item.id, "sanction", kind="mute", reason=REASON, days="3")
    [recorded] = sanctions_of(scene.author)
    appeal(logged_in(app, scene.author), recorded.id)

    decide(logged_in(app, scene.admin), recorded.id, "overturn")

    assert sanctions_of(scene.author)[0].appeal_outcome == "pending"
    assert user_by_id(scene.author.id).is_muted()
    decide(logged_in(app, UserFactory(is_admin=True)), recorded.id, "overturn")
    assert sanctions_of(scene.author)[0].appeal_outcome == "overturned"
