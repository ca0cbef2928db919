"""Unread tracking: read marks moved by viewing, "new" marks on board pages and the home
page, jump to the first unread post, and pages whose query count does not grow."""

from __future__ import annotations

from forum.extensions import db
from forum.notifications import follows
from forum.posts.models import Post
from forum.posts.services import withdraw_post
from tests.factories import BoardFactory, UserFactory
from tests.notifications.helpers import (
    answer,
    logged_in,
    new_badge,
    read_mark,
    start,
    text_of,
    thread_row,
)
from tests.posts.helpers import build_replies, build_threads, count_queries, section

PER_PAGE = 25  # FORUM_POSTS_PER_PAGE's default


def _long_thread(forum, replies: int = 29):  # type: ignore[no-untyped-def]
    """A thread by Ash with `replies` replies by Birch and Cedar (30 posts: two pages)."""
    thread = start(forum.board, forum.ash)
    build_replies(thread, [forum.birch, forum.cedar], replies)
    return thread


def test_viewing_a_page_marks_the_thread_read_up_to_its_last_post_never_back(app, forum):
    thread = _long_thread(forum)
    dale = logged_in(app, forum.dale)
    assert read_mark(forum.dale, thread) is None

    dale.get(f"/t/{thread.id}")
    assert read_mark(forum.dale, thread) == PER_PAGE
    dale.get(f"/t/{thread.id}?page=2")
    assert read_mark(forum.dale, thread) == 30
    dale.get(f"/t/{thread.id}?page=1")
    assert read_mark(forum.dale, thread) == 30


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_a_view_moves_the_mark_in_one_upsert_and_a_re_read_writes_nothing(app, forum):
    thread = _long_thread(forum)
    dale = logged_in(app, forum.dale)
    url = f"/t/{thread.id}"  # read the id before counting

    with count_queries() as first:
        assert dale.get(f"{url}?page=2").status_code == 200
    with count_queries() as again:
        assert dale.get(f"{url}?page=1").status_code == 200

    [write] = _writes(first)
    assert "INSERT INTO thread_read" in write and "ON CONFLICT" in write.upper()
    assert _writes(again) == []  # an earlier page moves nothing, so takes no write lock
    assert len(again) == len(first) - 1
    assert read_mark(forum.dale, thread) == 30


def test_board_page_marks_threads_with_new_posts_and_counts_them(app, forum):
    thread = start(forum.board, forum.ash, "Read before")
    dale = logged_in(app, forum.dale)
    dale.get(f"/t/{thread.id}")
    answer(thread, forum.birch)
    answer(thread, forum.cedar)
    answer(thread, forum.dale)  # Dale's own reply is not news to Dale

    page = text_of(dale.get(f"/b/{forum.board.slug}"))

    row = thread_row(page, thread)
    assert new_badge(row) == "2 new posts: go to the first one"
    assert f'href="/t/{thread.id}/unread"' in row


def test_a_thread_read_to_the_end_is_not_marked(app, forum):
    thread = start(forum.board, forum.ash)
    answer(thread, forum.birch)
    dale = logged_in(app, forum.dale)
    dale.get(f"/t/{thread.id}")
    assert new_badge(thread_row(text_of(dale.get(f"/b/{forum.board.slug}")), thread)) is None


def test_a_thread_started_since_joining_and_never_opened_is_new(app, forum):
    older = start(forum.board, forum.ash, "Before you came")
    newcomer = UserFactory(pseudonym="Elm")  # joins after `older` was started
    newer = start(forum.board, forum.ash, "After you came")

    page = text_of(logged_in(app, newcomer).get(f"/b/{forum.board.slug}"))

    assert new_badge(thread_row(page, newer)) == "New thread you have not opened yet"
    assert new_badge(thread_row(page, older)) is None


def test_withdrawn_and_hidden_posts_are_not_counted_as_new(app, forum):
    thread = start(forum.board, forum.ash)
    dale = logged_in(app, forum.dale)
    dale.get(f"/t/{thread.id}")
    withdrawn = answer(thread, forum.birch, "Never mind.")
    hidden = answer(thread, forum.cedar, "Unkind words.")
    answer(thread, forum.birch, "Kind words.")
    withdraw_post(db.session.get(Post, withdrawn.id))
    db.session.get(Post, hidden.id).hide("Please keep it kind.")
    db.session.commit()

    row = thread_row(text_of(dale.get(f"/b/{forum.board.slug}")), thread)

    assert new_badge(row) == "1 new post: go to the first one"


def test_jump_to_first_unread_goes_to_the_page_and_anchor_of_the_first_unread_post(app, forum):
    thread = _long_thread(forum)
    dale = logged_in(app, forum.dale)
    first = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))

    assert dale.get(f"/t/{thread.id}/unread").headers["Location"] == f"/t/{thread.id}#p{first.id}"
    dale.get(f"/t/{thread.id}")  # reads 1-25
    post_26 = db.session.scalar(
        db.select(Post).where(Post.thread_id == thread.id, Post.number == 26)
    )
    response = dale.get(f"/t/{thread.id}/unread")
    assert response.headers["Location"] == f"/t/{thread.id}?page=2#p{post_26.id}"
    dale.get(f"/t/{thread.id}?page=2")  # reads the rest
    assert dale.get(f"/t/{thread.id}/unread").headers["Location"] == f"/t/{thread.id}?page=2"


def test_thread_page_offers_the_jump_when_the_first_unread_post_is_on_another_page(app, forum):
    thread = _long_thread(forum)
    dale = logged_in(app, forum.dale)
    link = f'href="/t/{thread.id}/unread"'
    assert link not in text_of(dale.get(f"/t/{thread.id}"))  # first visit: nothing to jump to
    assert link in text_of(dale.get(f"/t/{thread.id}"))  # 26 onwards unread, on page 2
    assert link not in text_of(dale.get(f"/t/{thread.id}?page=2"))  # here they are


def test_home_page_lists_followed_threads_with_new_posts(app, forum):
    quiet = start(forum.board, forum.ash, "Nothing new here")
    busy = start(forum.board, forum.ash, "Plenty new here")
    dale = logged_in(app, forum.dale)
    for thread in (quiet, busy):
        follows.follow_thread(forum.dale.id, thread.id)
    db.session.commit()
    for thread in (quiet, busy):
        dale.get(f"/t/{thread.id}")
    answer(busy, forum.birch)

    news = section(text_of(dale.get("/")), "following-heading")

    assert "Plenty new here" in news and "Nothing new here" not in news
    assert new_badge(news) == "1 new post: go to the first one"
    assert section(text_of(logged_in(app, forum.cedar).get("/")), "following-heading") == ""


def _board_queries(app, forum, board, threads: int) -> int:  # type: ignore[no-untyped-def]
    """Queries of Dale's view of a board with `threads` threads, some read, some with news."""
    made = build_threads(board, [forum.ash, forum.birch], threads)
    dale = logged_in(app, forum.dale)
    for thread in made[::3]:
        dale.get(f"/t/{thread.id}")
    for thread in made[::5]:
        answer(thread, forum.cedar)
    follows.follow_board(forum.dale.id, board)
    db.session.commit()
    dale.get(f"/b/{board.slug}")  # warm caches (settings read once per process)
    with count_queries() as statements:
        page = text_of(dale.get(f"/b/{board.slug}"))
    assert "new-badge" in page
    return len(statements)


def test_board_page_runs_as_many_queries_for_200_threads_as_for_1(app, forum):
    one = _board_queries(app, forum, forum.board, 1)
    many = _board_queries(app, forum, BoardFactory(slug="busy"), 200)
    assert many == one
