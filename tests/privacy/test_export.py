"""Download my data: everything Kindred holds about the member, behind the password."""

from __future__ import annotations

import json

from sqlalchemy import select

from forum.accounts.models import RecoveryCode, User
from forum.boards.models import Board
from forum.extensions import db
from forum.privacy.export import export_member_data
from tests.accounts.helpers import field_errors
from tests.conftest import PASSWORD, login, post_form
from tests.factories import UserFactory
from tests.privacy.helpers import build_scene


def _download(client, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return post_form(client, "/settings/export", {"export-password": password}, page="/settings")


def _exported(client, scene):  # type: ignore[no-untyped-def]
    login(client, scene.pseudonym)
    response = _download(client)
    assert response.status_code == 200
    return response, json.loads(response.get_data(as_text=True))


def test_settings_page_offers_to_download_my_data(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    page = client.get("/settings").get_data(as_text=True)
    assert "Download my data" in page
    assert 'action="/settings/export"' in page


def test_export_is_a_json_attachment_that_no_cache_keeps(client):
    response, data = _exported(client, build_scene())
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="kindred-data-')
    assert disposition.endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"
    assert data["format"] == "kindred-member-data/1"


def test_export_holds_the_account_but_never_a_password_or_code_hash(client):
    scene = build_scene()
    member = db.session.get(User, scene.member_id)
    secrets = [member.password_hash, *db.session.scalars(select(RecoveryCode.code_hash))]
    response, data = _exported(client, scene)

    body = response.get_data(as_text=True)
    assert not any(secret in body for secret in secrets)
    assert "hash" not in body.lower()
    account = data["account"]
    assert account["pseudonym"] == scene.pseudonym
    assert account["role"] == "admin"
    assert account["created_at"] and account["password_changed_at"]
    assert [b["board"] for b in data["facilitates"]] == [db.session.get(Board, scene.board_id).slug]
    assert len(data["recovery_codes"]) == 10
    assert all(set(code) == {"created_at", "used_at"} for code in data["recovery_codes"])
    # The scene's session and this browser's: dates only, nothing about the device.
    assert len(data["login_sessions"]) == 2
    assert all(set(s) == {"created_at", "expires_at"} for s in data["login_sessions"])


def test_export_holds_every_post_anonymous_ones_marked_with_every_revision(client):
    scene = build_scene()
    _, data = _exported(client, scene)
    posts = {post["id"]: post for post in data["posts"]}

    assert len(posts) == 8  # openings of three threads, five replies
    assert {p["thread_id"] for p in posts.values() if p["opens_thread"]} == {
        scene.shared_thread_id,
        scene.solo_thread_id,
        scene.anonymous_thread_id,
    }
    anonymous = {p["id"] for p in posts.values() if p["anonymous"]}
    assert scene.anonymous_reply_id in anonymous
    assert len(anonymous) == 2
    opening = next(p for p in posts.values() if p["thread_id"] == scene.anonymous_thread_id)
    assert opening["anonymous"] is True
    assert opening["thread_title"] == "Something I can't say openly"
    assert opening["alias"].startswith("Anonymous ")
    assert posts[scene.anonymous_reply_id]["body"] == "I cry sometimes."

    edited = posts[scene.edited_reply_id]
    assert edited["body"] == "I read a little, then sleep."
    assert [(r["number"], r["body"]) for r in edited["revisions"]] == [
        (1, "I read a little."),
        (2, "I read a little, then sleep."),
    ]
    assert all(len(p["revisions"]) >= 1 for p in posts.values())
    hidden = posts[scene.hidden_reply_id]
    assert (hidden["state"], hidden["hidden_reason"]) == ("hidden", "Please keep it kind.")


def test_export_holds_reports_made_sanctions_with_appeals_and_log_entries(client):
    scene = build_scene()
    _, data = _exported(client, scene)

    assert len(data["reports_made"]) == 1
    report = data["reports_made"][0]
    assert report["post_id"] == scene.reported_post_id
    assert "this looks like an advert" in report["reason"]
    assert report["created_at"]

    # Only the sanction on the member, not the one they gave someone else as a facilitator.
    [sanction] = data["sanctions"]
    assert (sanction["kind"], sanction["reason"]) == ("warning", "Please read the guidelines.")
    assert sanction["appeal"]["text"] == "I think this was a misunderstanding."
    assert sanction["appeal"]["outcome"] == "pending"

    actions = [entry["action"] for entry in data["moderation_log"]]
    assert actions == ["hide", "sanction_warning", "appeal"]
    hide = data["moderation_log"][0]
    assert (hide["reason"], hide["post_id"]) == ("Please keep it kind.", scene.hidden_reply_id)
    assert all(
        set(e) == {"action", "reason", "created_at", "post_id"} for e in data["moderation_log"]
    )


def test_export_never_names_the_facilitators_who_acted(client):
    scene = build_scene()
    facilitator = db.session.get(User, scene.facilitator_id).pseudonym
    response, _ = _exported(client, scene)
    assert f'"{facilitator}"' not in response.get_data(as_text=True)
    assert "actor" not in response.get_data(as_text=True)


def test_export_holds_the_members_notifications(client):
    scene = build_scene()
    _, data = _exported(client, scene)
    kinds = {note["kind"] for note in data["notifications"]}
    assert {"post_hidden", "sanction_warning", "facilitator_message"} <= kinds
    assert all(note["text"] and note["created_at"] for note in data["notifications"])


def test_export_needs_the_password(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    response = _download(client, "not my password")
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers
    page = response.get_data(as_text=True)
    assert field_errors(page, "export-password") == ["Your password is not right."]


def test_export_needs_a_csrf_token(client):
    scene = build_scene()
    login(client, scene.pseudonym)
    response = client.post("/settings/export", data={"export-password": PASSWORD})
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers


def test_export_needs_a_login(client):
    response = client.post("/settings/export", data={"export-password": PASSWORD})
    assert response.status_code in {302, 400}
    assert "Content-Disposition" not in response.headers


def test_export_of_a_member_with_nothing_yet_is_valid_and_empty(ctx):
    data = export_member_data(UserFactory())
    assert data["posts"] == data["reports_made"] == data["sanctions"] == []
    assert data["moderation_log"] == data["notifications"] == []
    json.dumps(data)  # every value is JSON-ready
