"""`flask forum seed-demo [--size small|large]`: demo content that is idempotent and whose
counters agree with the rows, at a tiny scale for the large demo."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import list_boards
from forum.extensions import db
from forum.moderation.models import Flag, ReviewItem, Screening
from forum.posts import services as posts
from forum.posts.anonymity import base_alias
from forum.posts.authorship import author_id_of
from forum.posts.models import Post, PostRevision, Thread
from forum.posts.unanswered import answers
from forum.reactions.models import Reaction
from forum.search import maintenance
from tests.cli.conftest import count, ok


def board_counters() -> dict[int, tuple[int, int, object]]:
    return {b.id: (b.thread_count, b.post_count, b.last_post_at)
            for b in db.session.scalars(select(Board))}  # fmt: skip


def assert_counters_match_the_rows() -> None:
    """Threads' counts and numbering, and the boards' cached counters, as the product keeps them."""
    numbers = defaultdict(list)
    for thread_id, number, created in db.session.execute(
        select(Post.thread_id, Post.number, Post.created_at)
    ):
        numbers[thread_id].append((number, created))
    for thread in db.session.scalars(select(Thread)):
        found = sorted(numbers[thread.id])
        assert [n for n, _ in found] == list(range(1, thread.post_count + 1)), thread.id
        assert thread.last_post_at == max(created for _, created in found)
        assert thread.created_at == found[0][1]
    cached = board_counters()
    for board_id in cached:
        posts.recount_board(board_id)
    assert board_counters() == cached


def test_small_demo_adds_members_threads_anonymous_and_flagged_posts(cli):
    result = ok(cli("seed-demo"))

    assert "Created 7 boards." in result.output
    assert re.search(r"Added 12 members, 9 threads, \d+ replies \(\d+ anonymous\), 4 posts "
                     r"flagged by screening and one reported\.", result.output)  # fmt: skip
    password = re.search(r"log in with the password: (\S+)", result.output)[1]
    assert accounts.authenticate("QuietHeron", password)
    assert count(User) == 12 and count(Thread) == 9
    assert count(Post, Post.is_anonymous.is_(True)) >= 5
    assert count(Screening, Screening.state != "done") == 0
    items = db.session.scalars(select(ReviewItem).where(ReviewItem.state == "open")).all()
    assert {item.lane for item in items} >= {"crisis", "red", "amber"}
    assert count(Flag, Flag.source == "report") == 1
    assert count(Flag, Flag.rule_key == "context.first-post") == 0  # the demo's own words
    assert_counters_match_the_rows()
    assert all(b.post_count for b in list_boards())


def test_small_demo_a_second_time_changes_nothing(cli):
    ok(cli("seed-demo", "--size", "small"))
    before = (count(User), count(Post), count(Flag), count(Board))

    result = ok(cli("seed-demo"))

    assert "nothing to do" in result.output
    assert (count(User), count(Post), count(Flag), count(Board)) == before


def test_small_demo_refuses_when_a_demo_pseudonym_is_taken(cli):
    accounts.create_account("QuietHeron", "a perfectly long password")
    db.session.commit()

    result = cli("seed-demo")

    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: The pseudonym QuietHeron is taken; the demo needs it."
    )
    assert count(User) == 1 and count(Post) == 0


@pytest.fixture
def large(cli):  # type: ignore[no-untyped-def]
    return ok(cli("seed-demo", "--size", "large", "--posts", "600"))


def test_large_demo_writes_the_planned_rows_with_a_progress_bar(large):
    assert "Writing posts" in large.stderr
    assert re.search(r"Added 12 members, 60 threads and 600 posts on 20 boards in \d+ s\.",
                     large.stdout)  # fmt: skip
    assert (count(User), count(Thread), count(Post), count(Board)) == (12, 60, 600, 20)
    assert count(PostRevision) == 600
    assert count(Screening) == 600 and count(Screening, Screening.state != "done") == 0
    assert count(Post, Post.is_anonymous.is_(True)) > 0
    assert count(Reaction) > 0
    assert maintenance.index_problems() == []  # the search index took every post


def test_large_demo_counters_and_numbering_agree_with_the_rows(large):
    assert_counters_match_the_rows()
    assert sum(b.thread_count for b in db.session.scalars(select(Board))) == count(
        Thread, Thread.is_hidden.is_(False)
    )


def test_large_demo_aliases_are_the_ones_the_product_would_give(large):
    aliases: dict[tuple[int, int], set[str]] = defaultdict(set)
    for post in db.session.scalars(select(Post).where(Post.is_anonymous.is_(True))):
        author_id = author_id_of(post)
        aliases[(post.thread_id, author_id)].add(post.anon_alias)
        assert post.anon_alias.startswith(base_alias(author_id, post.thread_id))
    assert all(len(names) == 1 for names in aliases.values())
    per_thread = defaultdict(list)
    for (thread_id, _), names in aliases.items():
        per_thread[thread_id] += names
    assert all(len(set(names)) == len(names) for names in per_thread.values())
    for thread in db.session.scalars(select(Thread)):
        first = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                     Post.number == 1))  # fmt: skip
        assert (thread.is_anonymous, thread.anon_alias) == (first.is_anonymous, first.anon_alias)


def test_large_demo_marks_answered_threads_as_the_product_does(large):
    threads = {t.id: t for t in db.session.scalars(select(Thread))}
    answered: dict[int, object] = {}
    for post in db.session.scalars(select(Post).where(Post.number > 1).order_by(Post.number)):
        thread = threads[post.thread_id]
        if post.thread_id not in answered and post.state == "visible" and answers(post, thread):
            answered[post.thread_id] = post.created_at
    assert {t.id: t.answered_at for t in threads.values() if t.answered_at} == answered
    assert 0 < len(answered) < len(threads)


def test_large_demo_leaves_ids_free_for_new_rows(large):
    board, member = list_boards()[0], db.session.scalars(select(User)).first()
    thread = posts.create_thread(board, member, "After the demo", "A brand new thread.")
    db.session.commit()
    assert thread.id == count(Thread)
    assert thread.first_post.id == db.session.scalar(select(func.max(Post.id)))


def test_large_demo_a_second_time_changes_nothing(cli, large):
    result = ok(cli("seed-demo", "--size", "large", "--posts", "600"))
    assert "The large demo content already exists; nothing to do." in result.output
    assert count(Post) == 600
