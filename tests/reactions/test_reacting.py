"""Empathy reactions: toggling with and without JavaScript, who may react to what, counts
that never name anyone, and a thread page whose queries do not grow with them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from forum.boards.services import grant_facilitator
from forum.db import utcnow
from forum.extensions import db
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from forum.reactions import services
from forum.reactions.models import Reaction
from tests.anonymity.helpers import flashes
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import build_replies, count_queries, make_members
from tests.reactions.helpers import (
    JSON,
    browser,
    buttons,
    card,
    fresh,
    make_room,
    opening_of,
    react,
    reaction_count,
    reaction_notes,
    reactions_of,
    tallies,
    thread_page,
)

KINDS = ["hear", "metoo", "strength", "helped"]


@pytest.fixture
def room(ctx):
    return make_room()


def test_a_reaction_is_toggled_on_and_off_and_the_reader_goes_back_to_the_post(app, room):
    cedar = browser(app, room.cedar)

    on = react(cedar, room.opening.id, "strength")
    assert on.status_code == 302
    assert on.headers["Location"].endswith(f"/t/{room.thread.id}?page=1#p{room.opening.id}")
    assert reactions_of(room.opening.id) == [(room.cedar.id, "strength")]

    off = react(cedar, room.opening.id, "strength")
    assert off.status_code == 302
    assert reactions_of(room.opening.id) == []


def test_a_member_sends_each_kind_once_per_post(app, room):
    cedar = browser(app, room.cedar)

    for kind in KINDS:
        assert react(cedar, room.reply.id, kind).status_code == 302

    assert reactions_of(room.reply.id) == sorted((room.cedar.id, kind) for kind in KINDS)
    db.session.add(Reaction(post_id=room.reply.id, user_id=room.cedar.id, kind="hear"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_the_json_path_toggles_and_answers_with_the_counts(app, room):
    cedar, dale = browser(app, room.cedar), browser(app, room.dale)
    react(dale, room.opening.id, "strength")

    on = react(cedar, room.opening.id, "strength", as_json=True)
    assert on.status_code == 200 and on.is_json
    assert on.get_json() == {
        "kind": "strength",
        "reacted": True,
        "counts": {"hear": 0, "metoo": 0, "strength": 2, "helped": 0},
    }

    off = react(cedar, room.opening.id, "strength", as_json=True)
    assert off.get_json()["reacted"] is False
    assert off.get_json()["counts"]["strength"] == 1


def test_a_json_refusal_says_why_without_a_redirect(app, room):
    ash = browser(app, room.ash)

    refused = react(ash, room.opening.id, "hear", as_json=True)

    assert refused.status_code == 403
    assert refused.get_json() == {"error": "You can't react to your own post."}


@pytest.mark.parametrize("headers", [{}, JSON])
def test_a_reaction_without_a_csrf_token_is_refused(app, room, headers):
    cedar = browser(app, room.cedar)

    response = cedar.post(f"/p/{room.opening.id}/react", data={"kind": "hear"}, headers=headers)

    assert response.status_code == 400
    assert reaction_count() == 0


def test_a_reaction_with_a_wrong_csrf_token_is_refused(app, room):
    cedar = browser(app, room.cedar)

    response = cedar.post(
        f"/p/{room.opening.id}/react",
        data={"kind": "hear", "csrf_token": "not-the-token"},
        headers={**JSON, "X-CSRFToken": "not-the-token"},
    )

    assert response.status_code == 400
    assert reaction_count() == 0


@pytest.mark.parametrize("kind", ["", "like", "hear "])
def test_an_unknown_kind_is_refused(app, room, kind):
    response = react(browser(app, room.cedar), room.opening.id, kind)

    assert response.status_code == 400
    assert reaction_count() == 0


def test_reacting_needs_a_login(app, room):
    response = app.test_client().post(f"/p/{room.opening.id}/react", data={"kind": "hear"})

    assert response.status_code in {302, 400}  # to the login page, or refused for CSRF first
    assert reaction_count() == 0


def test_the_thread_page_shows_counts_and_which_buttons_the_reader_pressed(app, room):
    cedar, dale = browser(app, room.cedar), browser(app, room.dale)
    react(cedar, room.opening.id, "strength")
    react(dale, room.opening.id, "strength")
    react(dale, room.opening.id, "hear")

    as_dale = buttons(thread_page(dale, room.thread.id), room.opening.id)
    as_birch = buttons(thread_page(browser(app, room.birch), room.thread.id), room.opening.id)

    assert as_dale == {
        "hear": (True, 1), "metoo": (False, 0), "strength": (True, 2), "helped": (False, 0),
    }  # fmt: skip
    assert as_birch == {
        "hear": (False, 1), "metoo": (False, 0), "strength": (False, 2), "helped": (False, 0),
    }  # fmt: skip


def test_buttons_are_labelled_for_the_post_and_post_to_the_reaction_route(app, room):
    page = thread_page(browser(app, room.cedar), room.thread.id)
    html = card(page, room.reply.id)

    assert f'action="/p/{room.reply.id}/react"' in html
    assert 'role="group" aria-label="Respond to post #2"' in html
    for label in ("I hear you", "Me too", "Sending strength", "This helped"):
        assert label in html
    assert 'name="csrf_token"' in html


def test_nobody_is_shown_who_reacted_only_how_many(app, room):
    reactor = UserFactory(pseudonym="QuietWillow")
    react(browser(app, reactor), room.opening.id, "metoo")
    react(browser(app, reactor), room.reply.id, "helped")

    for viewer in (room.ash, room.birch, room.dale):
        client = browser(app, viewer)
        for url in (f"/t/{room.thread.id}", "/notifications", f"/u/{viewer.pseudonym}"):
            page = client.get(url).get_data(as_text=True)
            assert "QuietWillow" not in page, (viewer.pseudonym, url)
    assert buttons(thread_page(browser(app, room.dale), room.thread.id), room.opening.id)[
        "metoo"
    ] == (False, 1)


def test_your_own_post_has_no_buttons_and_the_server_refuses(app, room):
    ash = browser(app, room.ash)
    react(browser(app, room.cedar), room.opening.id, "strength")

    page = thread_page(ash, room.thread.id)
    assert buttons(page, room.opening.id) == {}
    assert tallies(page, room.opening.id) == "Responses to post #1: Sending strength 1"
    assert set(buttons(page, room.reply.id)) == set(KINDS)  # Birch's post has them

    refused = react(ash, room.opening.id, "hear")
    assert refused.status_code == 302
    assert "You can't react to your own post." in flashes(
        ash.get(refused.headers["Location"]).get_data(as_text=True)
    )
    assert reactions_of(room.opening.id) == [(room.cedar.id, "strength")]


def test_a_held_reply_takes_no_reactions_even_from_a_facilitator(app, room):
    facilitator = UserFactory(pseudonym="Elm")
    grant_facilitator(facilitator, room.board)
    db.session.get(Post, room.reply.id).hold()
    db.session.commit()

    assert react(browser(app, room.cedar), room.reply.id, "hear").status_code == 404
    assert react(browser(app, facilitator), room.reply.id, "hear", as_json=True).status_code == 403
    assert buttons(thread_page(browser(app, facilitator), room.thread.id), room.reply.id) == {}
    assert reaction_count() == 0


def test_a_hidden_reply_takes_no_reactions(app, room):
    react(browser(app, room.cedar), room.reply.id, "hear")
    db.session.get(Post, room.reply.id).hide("Off-topic.")
    db.session.commit()

    assert react(browser(app, room.dale), room.reply.id, "hear").status_code == 404
    assert react(browser(app, room.cedar), room.reply.id, "hear").status_code == 404  # nor back
    assert reactions_of(room.reply.id) == [(room.cedar.id, "hear")]


def test_a_withdrawn_post_takes_no_reactions(app, room):
    posts.withdraw_post(db.session.get(Post, room.reply.id))
    db.session.commit()
    cedar = browser(app, room.cedar)

    refused = react(cedar, room.reply.id, "hear", as_json=True)

    assert refused.status_code == 403
    assert refused.get_json()["error"] == "You can react only to posts everyone can see."
    assert buttons(thread_page(cedar, room.thread.id), room.reply.id) == {}
    assert reaction_count() == 0


def test_posts_in_a_hidden_thread_are_not_found_by_others(app, room):
    db.session.get(Post, room.opening.id).hold()
    db.session.commit()

    assert react(browser(app, room.cedar), room.reply.id, "hear").status_code == 404
    assert react(browser(app, room.cedar), room.opening.id, "hear").status_code == 404
    assert reaction_count() == 0


def test_a_missing_post_is_not_found(app, room):
    cedar = browser(app, room.cedar)

    assert react(cedar, 987654, "hear").status_code == 404
    assert react(cedar, 2**40, "hear").status_code == 404


def test_a_locked_thread_shows_counts_but_takes_no_reactions(app, room):
    react(browser(app, room.cedar), room.opening.id, "strength")
    db.session.get(Thread, room.thread.id).is_locked = True
    db.session.commit()
    dale = browser(app, room.dale)

    page = thread_page(dale, room.thread.id)
    assert buttons(page, room.opening.id) == {}
    assert tallies(page, room.opening.id) == "Responses to post #1: Sending strength 1"
    refused = react(dale, room.opening.id, "strength", as_json=True)
    assert refused.status_code == 403
    assert "locked" in refused.get_json()["error"]
    assert reactions_of(room.opening.id) == [(room.cedar.id, "strength")]


def test_a_muted_member_sees_counts_but_cannot_react(app, room):
    react(browser(app, room.cedar), room.opening.id, "hear")
    room.dale.muted_until = utcnow() + timedelta(days=3)
    db.session.commit()
    dale = browser(app, room.dale)

    page = thread_page(dale, room.thread.id)
    assert buttons(page, room.opening.id) == {} and buttons(page, room.reply.id) == {}
    assert tallies(page, room.opening.id) == "Responses to post #1: I hear you 1"
    refused = react(dale, room.opening.id, "hear", as_json=True)
    assert refused.status_code == 403
    assert refused.get_json()["error"].startswith("You can read Kindred but can't react")
    assert reactions_of(room.opening.id) == [(room.cedar.id, "hear")]


def test_a_mute_that_has_ended_does_not_stop_reactions(app, room):
    room.dale.muted_until = utcnow() - timedelta(minutes=1)
    db.session.commit()

    assert react(browser(app, room.dale), room.opening.id, "hear").status_code == 302
    assert reactions_of(room.opening.id) == [(room.dale.id, "hear")]


def test_a_suspended_member_is_refused_by_the_service(room):
    room.dale.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()

    with pytest.raises(services.ReactionRefused):
        services.toggle_reaction(room.dale, room.opening, "hear")
    assert reaction_count() == 0


def test_a_former_members_post_takes_reactions_without_telling_anyone(app, room):
    from forum.privacy.services import erase_member

    erase_member(db.session.get(type(room.birch), room.birch.id), keep_posts=True)
    db.session.commit()

    assert react(browser(app, room.cedar), room.reply.id, "hear").status_code == 302
    assert reactions_of(room.reply.id) == [(room.cedar.id, "hear")]


def _react_to_all(thread_posts: list[Post], members: list) -> None:  # type: ignore[type-arg]
    for post in thread_posts:
        for member, kind in zip(members, KINDS, strict=False):
            if post.author_id != member.id:
                services.toggle_reaction(member, post, kind)
    db.session.commit()


def test_the_thread_page_costs_the_same_queries_whatever_the_posts_and_reactions(app, ctx):
    board = BoardFactory()
    viewer, author = UserFactory(), UserFactory()
    others = make_members(3)
    short = make_thread(board, author, title="Short and quiet")
    full = make_thread(board, author, title="Long and warm")
    replies = build_replies(full, others, 24)
    _react_to_all([opening_of(full), *replies], [viewer, *others])
    client = browser(app, viewer)
    for thread in (short, full):
        thread_page(client, thread.id)  # a first visit records what the reader has read

    with count_queries() as quiet:
        page_short = thread_page(client, short.id)
    with count_queries() as busy:
        page_full = thread_page(client, full.id)

    assert len(page_full) > len(page_short)
    assert sum(count for _, count in buttons(page_full, replies[5].id).values()) >= 3
    reaction_queries = [q for q in busy if "reaction" in q]
    assert len(reaction_queries) == 2  # the counts, and the reader's own
    assert len(busy) == len(quiet)


def test_the_reaction_query_runs_once_for_the_whole_page(app, ctx):
    board = BoardFactory()
    viewer, author = UserFactory(), UserFactory()
    thread = make_thread(board, author)
    build_replies(thread, [author], 10)
    for post in posts.thread_page(thread, 1, 25):
        services.toggle_reaction(viewer, post, "hear")
    db.session.commit()
    fresh()
    page = posts.thread_page(db.session.get(Thread, thread.id), 1, 25)
    viewer.is_muted(), page[0].thread.is_locked  # noqa: B018 (loaded, as in a request)

    with count_queries() as statements:
        summary = services.summarise(page, page[0].thread, viewer)

    assert len(statements) == 2
    assert all(summary.for_post(post)[0].pressed for post in page)


def test_an_anonymous_reply_in_your_own_thread_hides_the_buttons_only_for_you(app, room):
    own = posts.create_reply(room.thread, room.ash, "Thank you all.", anonymous=True)
    db.session.commit()

    page_ash = thread_page(browser(app, room.ash), room.thread.id)
    page_dale = thread_page(browser(app, room.dale), room.thread.id)

    assert buttons(page_ash, own.id) == {}
    assert set(buttons(page_dale, own.id)) == set(KINDS)


def test_reactions_to_a_reply_make_no_noise_for_other_members(app, room):
    make_reply(room.thread, room.dale, "Same here.")
    react(browser(app, room.cedar), room.reply.id, "metoo")

    assert [n.user_id for n in reaction_notes(room.birch.id)] == [room.birch.id]
    for other in (room.ash, room.cedar, room.dale):
        assert reaction_notes(other.id) == []
