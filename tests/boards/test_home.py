"""The public home page: boards in order, with counters kept by a background job."""

from __future__ import annotations

import re

from forum.db import utcnow
from forum.extensions import db
from forum.posts.models import Thread
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import count_queries, logged_in


def _board_cards(page: str) -> list[str]:
    return re.findall(r'<li class="board-card">(.*?)</li>', page, re.S)


def _card_for(page: str, name: str) -> str:
    (card,) = [card for card in _board_cards(page) if f">{name}</a>" in card]
    return card


def test_home_is_public_and_lists_boards_by_position(client):
    BoardFactory(name="Grief and loss", position=3)
    BoardFactory(name="Introductions", position=1)
    BoardFactory(name="Anxiety", position=2)

    response = client.get("/")

    assert response.status_code == 200
    cards = _board_cards(response.get_data(as_text=True))
    names = [re.search(r'">([^<]+)</a></h3>', card).group(1) for card in cards]
    assert names == ["Introductions", "Anxiety", "Grief and loss"]


def test_home_leaves_out_archived_boards(client):
    BoardFactory(name="Open board")
    BoardFactory(name="Old board", archived_at=utcnow())

    page = client.get("/").get_data(as_text=True)

    assert "Open board" in page
    assert "Old board" not in page


def test_a_new_board_shows_zero_counts_and_no_activity(client):
    BoardFactory(name="Caregivers")

    card = _card_for(client.get("/").get_data(as_text=True), "Caregivers")

    assert "0 threads" in card
    assert "0 posts" in card
    assert "none yet" in card


def test_home_counters_follow_posting_once_the_worker_has_run(app, client, run_worker):
    board = BoardFactory(slug="depression", name="Depression")
    BoardFactory(name="Quiet board")
    member = logged_in(app, UserFactory())
    post_form(member, "/b/depression/new", {"title": "Low week", "body": "Hard days."})
    post_form(member, "/b/depression/new", {"title": "Small wins", "body": "I went outside."})
    thread_id = db.session.scalar(db.select(Thread.id).where(Thread.title == "Low week"))
    post_form(member, f"/t/{thread_id}/reply", {"body": "Thinking of you."}, page=f"/t/{thread_id}")

    before = _card_for(client.get("/").get_data(as_text=True), "Depression")
    assert "0 threads" in before  # the counters are a cache the job fills in

    assert run_worker() is True

    page = client.get("/").get_data(as_text=True)
    card = _card_for(page, "Depression")
    assert "2 threads" in card
    assert "3 posts" in card
    assert "just now" in card
    assert "0 threads" in _card_for(page, "Quiet board")
    db.session.expire_all()
    assert (board.thread_count, board.post_count) == (2, 3)


def test_home_uses_singular_words_for_one_thread_and_one_post(client, run_worker):
    board = BoardFactory(name="Recovery")
    make_thread(board, UserFactory())
    run_worker()

    card = _card_for(client.get("/").get_data(as_text=True), "Recovery")

    assert "1 thread<" in card
    assert "1 post<" in card


def test_recount_counts_threads_and_visible_posts_across_several_threads(ctx, run_worker):
    board = BoardFactory()
    other = BoardFactory()
    author = UserFactory()
    first = make_thread(board, author)
    make_reply(first, author)
    make_reply(make_thread(board, author), author)
    make_thread(other, author)

    run_worker()

    db.session.expire_all()
    assert (board.thread_count, board.post_count) == (2, 4)
    assert (other.thread_count, other.post_count) == (1, 1)


def test_recount_of_a_deleted_board_does_nothing(ctx):
    from forum.posts.services import recount_board

    assert recount_board(987654) is None


def test_board_last_activity_is_its_latest_thread_activity(ctx, run_worker):
    board = BoardFactory()
    author = UserFactory()
    older = make_thread(board, author)
    newer = make_thread(board, author)
    make_reply(older, author)  # the older thread is now the most recent

    run_worker()

    db.session.expire_all()
    assert board.last_post_at == older.last_post_at
    assert board.last_post_at > newer.last_post_at


def _home_queries(app, member) -> int:  # type: ignore[no-untyped-def]
    browser = logged_in(app, member)
    browser.get("/")  # the first request loads things once per process
    with count_queries() as statements:
        assert browser.get("/").status_code == 200
    return len(statements)


def test_home_runs_the_same_number_of_queries_for_one_board_or_twelve_busy_ones(app, ctx):
    member, other = UserFactory(), UserFactory()
    quiet = BoardFactory(name="Quiet")
    make_thread(quiet, other, "Alone", "Nobody has answered yet.")
    followed = make_thread(quiet, other, "Followed", "Answered once.")
    make_reply(followed, member, "I follow this one now.")
    make_reply(followed, other, "And here is news since.")
    for_one = _home_queries(app, member)

    for number in range(12):
        board = BoardFactory(name=f"Busy {number}")
        for index in range(6):
            thread = make_thread(board, other, f"Thread {index}", "Waiting for an answer.")
            if index % 2:
                make_reply(thread, member, "I follow this one now.")
                make_reply(thread, other, "And here is news since.")
    for_many = _home_queries(app, member)

    assert for_one > 0
    assert for_many == for_one
