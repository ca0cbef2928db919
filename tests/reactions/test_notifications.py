"""Telling the author gently: one unread notification per post, kept up to date, that
counts people and never names them."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.notifications.services import mark_all_read
from forum.reactions.services import notification_text
from tests.factories import UserFactory, make_reply
from tests.reactions.helpers import browser, make_room, react, reaction_notes, reactions_of

TITLE = "Hard week"


@pytest.fixture
def room(ctx):
    return make_room()


def _texts(user_id: int) -> list[str]:
    return [note.text for note in reaction_notes(user_id)]


def test_the_first_reaction_tells_the_author_with_a_link_to_the_post(app, room):
    react(browser(app, room.cedar), room.opening.id, "strength")

    notes = reaction_notes(room.ash.id)
    assert [(n.kind, n.text, n.link) for n in notes] == [
        ("reaction", f"1 person sent strength to your post in “{TITLE}”.", f"/p/{room.opening.id}")
    ]


def test_more_reactions_update_the_unread_notification_instead_of_adding_one(app, room):
    for member in (room.cedar, room.dale, room.birch):
        react(browser(app, member), room.opening.id, "strength")

    assert _texts(room.ash.id) == [f"3 people sent strength to your post in “{TITLE}”."]


def test_different_kinds_are_summed_up_in_one_notification(app, room):
    react(browser(app, room.cedar), room.opening.id, "strength")
    react(browser(app, room.dale), room.opening.id, "strength")
    react(browser(app, room.dale), room.opening.id, "hear")

    assert _texts(room.ash.id) == [
        f"People responded to your post in “{TITLE}”: 1 said “I hear you”, 2 sent strength."
    ]


def test_each_post_has_its_own_notification(app, room):
    second = make_reply(room.thread, room.ash, "Thanks, everyone.")
    react(browser(app, room.cedar), room.opening.id, "hear")
    react(browser(app, room.cedar), second.id, "helped")

    assert sorted(n.link for n in reaction_notes(room.ash.id)) == sorted(
        [f"/p/{room.opening.id}", f"/p/{second.id}"]
    )


def test_once_read_a_new_reaction_starts_a_new_notification(app, room):
    react(browser(app, room.cedar), room.opening.id, "strength")
    mark_all_read(room.ash.id)
    db.session.commit()

    react(browser(app, room.dale), room.opening.id, "strength")

    notes = reaction_notes(room.ash.id)
    assert [(n.read_at is None, n.text) for n in notes] == [
        (False, f"1 person sent strength to your post in “{TITLE}”."),
        (True, f"2 people sent strength to your post in “{TITLE}”."),
    ]


def test_taking_a_reaction_back_updates_the_unread_notification(app, room):
    cedar, dale = browser(app, room.cedar), browser(app, room.dale)
    react(cedar, room.opening.id, "metoo")
    react(dale, room.opening.id, "metoo")

    react(dale, room.opening.id, "metoo")

    assert _texts(room.ash.id) == [f"1 person said “me too” to your post in “{TITLE}”."]


def test_when_every_reaction_is_taken_back_before_it_is_read_the_notification_goes(app, room):
    cedar = browser(app, room.cedar)
    react(cedar, room.opening.id, "helped")
    assert len(reaction_notes(room.ash.id)) == 1

    react(cedar, room.opening.id, "helped")

    assert reaction_notes(room.ash.id) == []


def test_taking_a_reaction_back_after_it_was_read_adds_nothing(app, room):
    cedar = browser(app, room.cedar)
    react(cedar, room.opening.id, "helped")
    mark_all_read(room.ash.id)
    db.session.commit()

    react(cedar, room.opening.id, "helped")

    notes = reaction_notes(room.ash.id)
    assert len(notes) == 1 and notes[0].read_at is not None


def test_a_member_who_turned_reaction_notifications_off_is_not_told(app, room):
    from forum.notifications import follows

    follows.save_preferences(room.ash.id, replies=True, mentions=True, reactions=False)
    db.session.commit()

    response = react(browser(app, room.cedar), room.opening.id, "strength")

    assert response.status_code == 302
    assert reactions_of(room.opening.id) == [(room.cedar.id, "strength")]
    assert reaction_notes(room.ash.id) == []


def test_the_notification_names_nobody(app, room):
    reactor = UserFactory(pseudonym="GentleOtter")
    react(browser(app, reactor), room.opening.id, "hear")
    ash = browser(app, room.ash)

    page = ash.get("/notifications").get_data(as_text=True)

    assert f"1 person said “I hear you” to your post in “{TITLE}”." in page
    assert "GentleOtter" not in page
    assert "GentleOtter" not in " ".join(_texts(room.ash.id))


def test_the_reactor_is_told_nothing(app, room):
    react(browser(app, room.cedar), room.opening.id, "strength")

    assert reaction_notes(room.cedar.id) == []


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        ({"hear": 0, "metoo": 0, "strength": 0, "helped": 0}, ""),
        ({"hear": 1}, "1 person said “I hear you” to your post in “T”."),
        ({"metoo": 4}, "4 people said “me too” to your post in “T”."),
        ({"helped": 2}, "2 people said your post in “T” helped them."),
        (
            {"hear": 1, "metoo": 2, "strength": 3, "helped": 4},
            "People responded to your post in “T”: 1 said “I hear you”, 2 said “me too”, "
            "3 sent strength, 4 said it helped.",
        ),
    ],
)
def test_notification_wording(counts, text):
    assert notification_text(counts, "T") == text
