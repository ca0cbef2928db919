"""What search may return: only posts every member can read, anonymous posts never tied to
their author, and the index following every moderation action and account deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from forum.db import utcnow
from forum.extensions import db
from forum.posts import services as posts
from forum.privacy.services import DELETED_TEXT, delete_member
from forum.search import services as search
from forum.search.services import SearchInvalid
from tests.conftest import PASSWORD
from tests.factories import BoardFactory, UserFactory
from tests.search.helpers import found, moderate, opening, reply, start


@pytest.fixture
def author(ctx):
    return UserFactory(pseudonym="Wren")


@pytest.fixture
def board(ctx):
    return BoardFactory(name="Anxiety")


@pytest.fixture
def thread(board, author):
    return start(board, author, "Coping with panic", "Slow breathing helps me most.")


def test_held_posts_are_not_found_even_by_their_author(member, author):
    strict = BoardFactory(moderation_mode="all")
    held = start(strict, author, "Waiting thread", "Marmalade on toast.")
    assert opening(held).state == "held"

    assert found(member, "marmalade") == []
    assert found(author, "marmalade") == []
    assert found(member, "waiting thread") == []


def test_a_hidden_post_is_gone_and_comes_back_when_restored(member, thread):
    post = reply(thread, member, "The lighthouse keeper's trick: count the waves.")
    moderate(post, "hide", "Off topic")
    assert found(member, "lighthouse") == []

    moderate(post, "restore")
    assert found(member, "lighthouse") == [post.id]


def test_a_withdrawn_post_is_not_found(member, thread):
    post = reply(thread, member, "Weighted blanket, every night.")
    posts.withdraw_post(post)
    db.session.commit()

    assert found(member, "weighted blanket") == []


def test_nothing_of_a_hidden_thread_is_found(member, author, thread):
    answer = reply(thread, member, "Cold water on the wrists helps too.")
    moderate(opening(thread), "hide", "Needs a rewrite")
    assert thread.is_hidden

    assert found(member, "panic") == []  # the title
    assert found(member, "breathing") == []  # the opening post
    assert found(member, "wrists") == []  # a reply in it
    assert found(author, "panic") == []

    moderate(opening(thread), "restore")
    assert found(member, "wrists") == [answer.id]
    assert found(member, "panic") == [opening(thread).id]


def test_a_moved_thread_is_found_under_its_new_board(member, board, thread):
    calmer = BoardFactory(name="Calm")
    moderate(opening(thread), "thread_action", "move", calmer)

    assert found(member, "breathing", board=board) == []
    assert found(member, "breathing", board=calmer) == [opening(thread).id]


def test_an_anonymous_post_is_found_by_its_words_but_never_by_its_author(member, author, board):
    hidden_hand = start(
        board, author, "Nobody knows", "Secret sketchbook of worries.", anonymous=True
    )
    named = reply(hidden_hand, author, "Sketchbook update: drew the sea.")
    anon = reply(hidden_hand, author, "Another sketchbook page.", anonymous=True)

    hits = search.search(member, "sketchbook").hits
    assert {hit.post.id for hit in hits} == {opening(hidden_hand).id, named.id, anon.id}

    assert found(member, "sketchbook", author="Wren") == [named.id]
    assert found(member, "nobody knows", author="Wren") == []  # the anonymous title
    assert found(author, "sketchbook", author="wren") == [named.id]  # not even for themself


def test_the_author_filter_needs_a_real_pseudonym(member):
    with pytest.raises(SearchInvalid, match="No member goes by"):
        search.search(member, "tea", author="Nobody Here")


def test_a_member_on_a_break_is_not_listed_by_author_for_others(member, author, thread):
    author.break_until = utcnow() + timedelta(days=7)
    db.session.commit()
    opener = opening(thread).id

    assert found(member, "breathing", author="Wren") == []
    assert found(member, "breathing") == [opener]  # the words are still found
    assert found(author, "breathing", author="Wren") == [opener]


def test_a_deleted_member_s_kept_posts_are_found_without_a_name(member, author, thread):
    post = reply(thread, author, "Lavender oil on the pillow.")
    delete_member(author, PASSWORD, keep_posts=True)
    db.session.commit()

    hits = search.search(member, "lavender").hits
    assert [hit.post.id for hit in hits] == [post.id]
    assert hits[0].post.author is None
    with pytest.raises(SearchInvalid):
        search.search(member, "lavender", author="Wren")


def test_a_deleted_member_s_removed_posts_leave_nothing_findable(member, author, board, thread):
    reply(thread, member, "Thank you for sharing this.")  # so the opening is blanked, not deleted
    alone = start(board, author, "Quiet harbour", "Seagulls at dawn.")
    reply(thread, author, "Chamomile before sleeping.")
    alone_id = alone.id
    delete_member(author, PASSWORD, keep_posts=False)
    db.session.commit()

    for words in ("panic", "breathing", "quiet harbour", "seagulls", "chamomile"):
        assert found(member, words) == [], words
    assert db.session.get(type(alone), alone_id) is None
    placeholder = found(member, DELETED_TEXT)
    assert placeholder == [opening(thread).id]
