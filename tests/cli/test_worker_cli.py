"""`flask forum worker --burst`: the worker command runs the queued jobs, then exits."""

from __future__ import annotations

from forum.boards.models import Board
from forum.extensions import db
from forum.moderation.models import Screening
from tests.cli.conftest import count, ok
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


def test_worker_burst_screens_new_posts_and_recounts_the_board(cli):
    board = BoardFactory(slug="anxiety")
    thread = make_thread(board, UserFactory(), "A thread", "Opening post.")
    make_reply(thread, UserFactory(), "A reply.")
    assert count(Screening, Screening.state == "pending") == 2

    ok(cli("worker", "--burst"))

    assert count(Screening, Screening.state == "done") == 2
    refreshed = db.session.get(Board, board.id)
    assert (refreshed.thread_count, refreshed.post_count) == (1, 2)
