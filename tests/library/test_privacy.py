"""Data rights for mutes and What helped: the export holds them (never who suggested), and
deleting the account takes the member's mutes and consents with it."""

from __future__ import annotations

import json

import pytest

from forum.accounts.models import User
from forum.extensions import db
from forum.library.models import LibraryEntry
from forum.posts import services as posts
from forum.preferences.models import MuteList
from forum.preferences.services import save_mutes
from tests.conftest import PASSWORD, post_form
from tests.library.helpers import accepted, entry_of, fresh, listed_posts, nominated
from tests.posts.helpers import logged_in, page_of


def exported(app, user: User) -> tuple[str, dict]:  # type: ignore[type-arg]
    client = logged_in(app, user)
    response = post_form(client, "/settings/export", {"export-password": PASSWORD},
                         page="/settings")  # fmt: skip
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    return raw, json.loads(raw)


def delete_account(app, user: User, choice: str) -> None:
    client = logged_in(app, user)
    response = post_form(
        client,
        "/settings/delete",
        {"delete-password": PASSWORD, "delete-posts": choice},
        page="/settings",
    )
    assert response.status_code == 302


def test_the_export_holds_mutes_consents_and_chosen_warnings(app, scene):
    save_mutes(scene.anon_author.id, ["self-harm"], "hospital\nnight shift")
    reply = posts.create_reply(scene.thread, scene.anon_author, "Later.",
                               content_warnings=["loss"], custom_warning="a pet")  # fmt: skip
    db.session.commit()
    accepted(scene.anon_post, scene.facilitator)

    raw, data = exported(app, scene.anon_author)

    assert data["muted"] == {"themes": ["self-harm"], "words": ["hospital", "night shift"]}
    [entry] = data["what_helped"]
    assert (entry["post_id"], entry["board"], entry["state"]) == (
        scene.anon_post.id,
        "sleep",
        "accepted",
    )
    assert entry["suggested_at"] and entry["decided_at"]
    assert scene.facilitator.pseudonym not in raw
    [shown] = [p for p in data["posts"] if p["id"] == reply.id]
    assert (shown["content_warning_themes"], shown["content_warning"]) == (["loss"], "a pet")


def test_an_empty_export_section_is_empty(app, scene):
    _, data = exported(app, scene.reader)
    assert data["muted"] == {"themes": [], "words": []}
    assert data["what_helped"] == []


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_deleting_the_account_removes_mutes_and_consents(app, scene, choice):
    save_mutes(scene.author.id, ["loss"], "tea")
    db.session.commit()
    entry_id = accepted(scene.post, scene.facilitator).id
    author_id = scene.author.id

    delete_account(app, scene.author, choice)

    fresh()
    assert db.session.get(MuteList, author_id) is None
    assert db.session.get(LibraryEntry, entry_id) is None
    assert listed_posts(page_of(logged_in(app, scene.reader), "/b/sleep/what-helped")) == []


def test_a_deleted_facilitators_suggestions_stay_without_them(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    delete_account(app, scene.facilitator, "keep")
    kept = entry_of(scene.post)
    assert kept is not None and kept.id == entry.id
    assert kept.nominated_by_id is None
