"""Per-thread aliases: stable for one member in one thread, different across threads and
members, numbered on a collision, and impossible to compute without the server secret."""

from __future__ import annotations

from collections import defaultdict

import pytest
from flask import Flask

from forum import create_app
from forum.extensions import db
from forum.posts import services as posts
from forum.posts.anonymity import ANIMALS, base_alias, member_reference
from tests.anonymity.helpers import (
    anonymous_reply,
    anonymous_thread,
    author_line,
    first_post,
    fresh,
    logged_in,
    make_board,
    page,
    post_by_id,
)
from tests.conftest import post_form
from tests.factories import UserFactory, make_thread


@pytest.fixture
def board(ctx):  # type: ignore[no-untyped-def]
    return make_board("allowed", slug="anxiety", name="Anxiety")


@pytest.fixture
def other_app(app: Flask):  # type: ignore[no-untyped-def]
    """Build another app on the same database and Redis with a SECRET_KEY of its choosing."""
    built: list[Flask] = []

    def build(secret: str) -> Flask:
        other = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": secret,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "REDIS_URL": app.config["REDIS_URL"],
                "INSTANCE_PATH": app.config["INSTANCE_PATH"],
                "SERVER_NAME": app.config["SERVER_NAME"],
            }
        )
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()
        other.extensions["kindred_jobs"].redis.close()


def _aliases(build: Flask, pairs: list[tuple[int, int]]) -> list[str]:
    with build.app_context():
        return [base_alias(user_id, thread_id) for user_id, thread_id in pairs]


def test_alias_is_the_same_for_every_post_of_a_member_in_one_thread_even_after_an_edit(app, board):
    author, other = UserFactory(), UserFactory()
    thread = anonymous_thread(board, author)
    opening = first_post(thread)
    replies = [anonymous_reply(thread, author, f"Still here, day {n}.") for n in range(3)]
    anonymous_reply(thread, other, "Me too.")
    replies.append(anonymous_reply(thread, author, "One more from me."))

    alias = opening.anon_alias
    assert alias and alias.startswith("Anonymous ")
    assert thread.anon_alias == alias
    assert {reply.anon_alias for reply in replies} == {alias}

    client = logged_in(app, author)
    edited = post_form(client, f"/p/{replies[0].id}/edit", {"body": "Edited: still here."})
    assert edited.status_code == 302
    assert post_by_id(replies[0].id).anon_alias == alias
    assert post_by_id(replies[0].id).body_source == "Edited: still here."
    later = post_form(
        client,
        f"/t/{thread.id}/reply",
        {"body": "After my edit.", "anonymous": "y"},
        page=f"/t/{thread.id}",
    )
    assert later.status_code == 302

    shown = page(logged_in(app, other), f"/t/{thread.id}")
    fresh()
    newest = max(p.id for p in posts.thread_page(thread, 1, 50))
    for post_id in (opening.id, replies[0].id, replies[-1].id, newest):
        assert author_line(shown, post_id) == alias


def test_alias_of_a_member_differs_from_thread_to_thread(board):
    author = UserFactory()
    threads = [anonymous_thread(board, author, f"Thread number {n}") for n in range(15)]
    aliases = [t.anon_alias for t in threads]

    assert len(set(aliases)) > 1
    assert aliases == [base_alias(author.id, t.id) for t in threads]
    # Over many threads the alias spreads over the whole list of animals, never constant.
    spread = {base_alias(author.id, thread_id) for thread_id in range(1, 501)}
    assert len(spread) >= len(ANIMALS) * 0.8


def test_two_members_in_one_thread_get_different_aliases(board):
    starter, first, second = UserFactory(), UserFactory(), UserFactory()
    thread = make_thread(board, starter, "Evenings", "How do you all cope?")
    one = anonymous_reply(thread, first, "Reading helps me.")
    two = anonymous_reply(thread, second, "Walking helps me.")

    assert one.anon_alias != two.anon_alias
    assert one.anon_alias == base_alias(first.id, thread.id)
    assert two.anon_alias in {
        base_alias(second.id, thread.id),
        f"{base_alias(second.id, thread.id)} 2",
    }


def _colliding_user_ids(thread_id: int, start: int = 1000, stop: int = 1101) -> list[int]:
    """Three user ids whose keyed alias in this thread is the same (101 ids, 50 animals:
    some alias is bound to come up three times)."""
    by_alias: dict[str, list[int]] = defaultdict(list)
    for user_id in range(start, stop):
        by_alias[base_alias(user_id, thread_id)].append(user_id)
    return next(ids[:3] for ids in by_alias.values() if len(ids) >= 3)


def test_colliding_aliases_are_numbered_and_the_number_sticks(app, board):
    starter = UserFactory()
    thread = make_thread(board, starter, "Evenings", "How do you all cope?")
    ids = _colliding_user_ids(thread.id)
    alias = base_alias(ids[0], thread.id)
    assert {base_alias(user_id, thread.id) for user_id in ids} == {alias}
    first, second, third = (UserFactory(id=user_id) for user_id in ids)

    assert anonymous_reply(thread, first, "First.").anon_alias == alias
    assert anonymous_reply(thread, second, "Second.").anon_alias == f"{alias} 2"
    assert anonymous_reply(thread, third, "Third.").anon_alias == f"{alias} 3"
    # Later posts keep the alias each member was given, whoever posted in between.
    assert anonymous_reply(thread, second, "Second again.").anon_alias == f"{alias} 2"
    assert anonymous_reply(thread, first, "First again.").anon_alias == alias
    assert anonymous_reply(thread, third, "Third again.").anon_alias == f"{alias} 3"

    shown = page(logged_in(app, starter), f"/t/{thread.id}")
    lines = [author_line(shown, p.id) for p in posts.thread_page(thread, 1, 50)[1:]]
    assert lines == [alias, f"{alias} 2", f"{alias} 3", f"{alias} 2", alias, f"{alias} 3"]


def test_alias_and_member_reference_cannot_be_computed_without_the_secret(app, ctx, other_app):
    pairs = [(user_id, thread_id) for user_id in range(1, 6) for thread_id in range(1, 9)]
    ours = _aliases(app, pairs)

    same_secret = other_app(app.config["SECRET_KEY"])
    assert _aliases(same_secret, pairs) == ours  # the secret alone decides: deterministic

    guessed = other_app("a-different-secret-an-attacker-might-try")
    theirs = _aliases(guessed, pairs)
    agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
    assert agree < len(pairs) / 4  # chance agreement only (1 in 50 per pair)
    with guessed.app_context():
        refs = [member_reference(user_id) for user_id in range(1, 6)]
    assert refs != [member_reference(user_id) for user_id in range(1, 6)]


def test_alias_is_stored_at_write_time_and_never_the_pseudonym(board):
    author = UserFactory(pseudonym="LanternMoth")
    thread = anonymous_thread(board, author)
    reply = anonymous_reply(thread, author)

    for post in (first_post(thread), reply):
        assert post.is_anonymous is True
        assert post.anon_alias == base_alias(author.id, thread.id)
        assert "LanternMoth".casefold() not in post.anon_alias.casefold()
    assert member_reference(author.id) not in {thread.anon_alias, author.pseudonym}
