"""Reactions and anonymity: reacting to an anonymous post tells its author and nobody else,
and nothing a reactor, a reader or a facilitator receives links the post to its author."""

from __future__ import annotations

import re

import pytest

from forum.boards.services import grant_facilitator
from forum.extensions import db
from tests.anonymity.helpers import anonymous_reply, anonymous_thread, make_board
from tests.factories import UserFactory
from tests.reactions.helpers import (
    browser,
    buttons,
    card,
    opening_of,
    react,
    reaction_notes,
    thread_page,
)

AUTHOR = "HiddenLark"
READER = "OpenMeadow"


@pytest.fixture
def scene(ctx):
    board = make_board("allowed", slug="grief", name="Grief")
    author = UserFactory(pseudonym=AUTHOR, id=804_317)
    reader, other = UserFactory(pseudonym=READER), UserFactory(pseudonym="StillRiver")
    facilitator = UserFactory(pseudonym="KindHeron")
    grant_facilitator(facilitator, board)
    db.session.commit()
    thread = anonymous_thread(board, author, title="Missing her")
    reply = anonymous_reply(thread, author, "Some days are better.")
    return {
        "thread": thread, "opening": opening_of(thread), "reply": reply, "author": author,
        "reader": reader, "other": other, "facilitator": facilitator,
    }  # fmt: skip


def _names_author(text: str) -> bool:
    return AUTHOR.casefold() in text.casefold() or re.search(r"(?<![\w.])804317(?!\w)", text)


def test_reacting_to_an_anonymous_post_tells_its_author(app, scene):
    react(browser(app, scene["reader"]), scene["opening"].id, "strength")

    notes = reaction_notes(scene["author"].id)
    assert [(n.shown_text, n.shown_link) for n in notes] == [
        ("1 person sent strength to your post in “Missing her”.", f"/p/{scene['opening'].id}")
    ]
    # Sealed: the stored row names neither the post nor the thread.
    assert notes[0].sealed and notes[0].post_id is None
    assert "Missing her" not in notes[0].text and "/p/" not in notes[0].link
    for member in ("reader", "other", "facilitator"):
        assert reaction_notes(scene[member].id) == []


def test_the_reactor_learns_nothing_about_the_author(app, scene):
    reader = browser(app, scene["reader"])

    responses = [
        react(reader, scene["opening"].id, "hear"),
        react(reader, scene["reply"].id, "metoo", as_json=True),
        react(reader, scene["reply"].id, "metoo", as_json=True),
    ]
    pages = [reader.get(responses[0].headers["Location"]), reader.get("/notifications")]

    for response in [*responses, *pages]:
        body = response.get_data(as_text=True)
        assert not _names_author(body)
        assert not any(_names_author(value) for _, value in response.headers.items())


def test_others_see_the_same_buttons_and_counts_as_on_any_post(app, scene):
    react(browser(app, scene["reader"]), scene["opening"].id, "strength")

    for viewer in ("other", "facilitator"):
        page = thread_page(browser(app, scene[viewer]), scene["thread"].id)
        assert buttons(page, scene["opening"].id)["strength"] == (False, 1)
        assert not _names_author(card(page, scene["opening"].id))
        assert READER not in page


def test_only_the_author_sees_no_buttons_and_is_refused_without_a_trace(app, scene):
    author = browser(app, scene["author"])

    page = thread_page(author, scene["thread"].id)
    assert buttons(page, scene["opening"].id) == {} == buttons(page, scene["reply"].id)
    refused = react(author, scene["reply"].id, "hear", as_json=True)
    assert refused.status_code == 403
    assert reaction_notes(scene["author"].id) == []


def test_the_reactors_data_export_lists_the_post_but_not_its_author(app, scene):
    from forum.privacy.export import export_member_data

    react(browser(app, scene["reader"]), scene["reply"].id, "metoo")
    db.session.rollback()

    data = export_member_data(db.session.get(type(scene["reader"]), scene["reader"].id))

    assert [(r["post_id"], r["kind"]) for r in data["reactions"]] == [(scene["reply"].id, "metoo")]
    assert not _names_author(repr(data))
