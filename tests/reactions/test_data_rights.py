"""Reactions and data rights: the export lists the reactions a member sent; deleting the
account removes them, and deleting a member's posts removes the reactions to them."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from forum.extensions import db
from forum.posts import services as posts
from forum.privacy.export import export_member_data
from tests.conftest import PASSWORD, post_form
from tests.factories import BoardFactory, UserFactory, make_reply
from tests.reactions.helpers import browser, make_room, react, reaction_count, reactions_of


@pytest.fixture
def room(ctx):
    return make_room()


def _delete_account(client, choice: str):  # type: ignore[no-untyped-def]
    data = {"delete-password": PASSWORD, "delete-posts": choice}
    return post_form(client, "/settings/delete", data, page="/settings")


def test_the_export_lists_the_reactions_i_sent_and_not_those_i_received(app, room):
    cedar = browser(app, room.cedar)
    react(cedar, room.opening.id, "strength")
    react(cedar, room.reply.id, "hear")
    react(cedar, room.reply.id, "helped")
    react(browser(app, room.dale), room.reply.id, "metoo")

    response = post_form(cedar, "/settings/export", {"export-password": PASSWORD}, page="/settings")
    birch = post_form(
        browser(app, room.birch), "/settings/export", {"export-password": PASSWORD},
        page="/settings",
    )  # fmt: skip

    sent = json.loads(response.get_data(as_text=True))["reactions"]
    assert [(r["post_id"], r["kind"]) for r in sent] == [
        (room.opening.id, "strength"), (room.reply.id, "hear"), (room.reply.id, "helped"),
    ]  # fmt: skip
    assert all(datetime.fromisoformat(r["created_at"]) for r in sent)
    assert set(sent[0]) == {"post_id", "kind", "created_at"}
    assert json.loads(birch.get_data(as_text=True))["reactions"] == []


@pytest.mark.parametrize("choice", ["keep", "delete"])
def test_deleting_the_account_removes_the_reactions_it_sent(app, room, choice):
    react(browser(app, room.cedar), room.opening.id, "strength")
    react(browser(app, room.dale), room.opening.id, "strength")

    assert _delete_account(browser(app, room.cedar), choice).status_code == 302

    assert reactions_of(room.opening.id) == [(room.dale.id, "strength")]


def test_deleting_a_members_posts_removes_the_reactions_to_them(app, room):
    react(browser(app, room.cedar), room.reply.id, "hear")
    react(browser(app, room.cedar), room.opening.id, "hear")

    assert _delete_account(browser(app, room.birch), "delete").status_code == 302

    assert reaction_count() == 1
    assert reactions_of(room.opening.id) == [(room.cedar.id, "hear")]


def test_keeping_a_deleted_members_posts_keeps_the_reactions_to_them(app, room):
    react(browser(app, room.cedar), room.reply.id, "hear")

    assert _delete_account(browser(app, room.birch), "keep").status_code == 302

    db.session.rollback()
    assert reactions_of(room.reply.id) == [(room.cedar.id, "hear")]


def test_the_export_holds_the_reply_intent_of_threads_i_started(app, ctx):
    author = UserFactory()
    thread = posts.create_thread(
        BoardFactory(), author, "A title", "A body.", reply_intent="advice"
    )
    db.session.commit()
    make_reply(thread, author, "More.")

    exported = export_member_data(author)["posts"]

    assert [(p["number"], p["reply_intent"]) for p in exported] == [(1, "advice"), (2, None)]
