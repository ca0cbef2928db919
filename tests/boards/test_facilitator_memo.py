"""Which boards a member facilitates is asked once per request, and never outlives a role change."""

from __future__ import annotations

from flask import Flask

from forum.boards import services as boards
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.posts.helpers import count_queries, logged_in


def _facilitator_queries(statements: list[str]) -> list[str]:
    """The "which boards does this member facilitate" lookups among the statements."""
    return [s for s in statements if s.startswith("SELECT board_facilitator.board_id \nFROM")]


def _facilitator_reads(statements: list[str]) -> list[str]:
    """Every read of the facilitator table, whatever its shape."""
    return [s for s in statements if "FROM board_facilitator" in s]


def test_thread_page_asks_once_for_the_page_check_and_the_header_queue_link(app: Flask, ctx):
    board, other = BoardFactory(), BoardFactory()
    facilitator = UserFactory()
    boards.grant_facilitator(facilitator, other)
    thread = make_thread(board, UserFactory())
    browser = logged_in(app, facilitator)

    with count_queries() as statements:
        page = browser.get(f"/t/{thread.id}").get_data(as_text=True)

    assert len(_facilitator_reads(statements)) == 1
    assert "Review queue" in page  # the header still knows they facilitate a board


def test_a_role_granted_or_revoked_within_a_request_is_seen_at_once(app: Flask, ctx):
    board, member = BoardFactory(), UserFactory()

    with app.test_request_context("/"), count_queries() as statements:
        assert not boards.is_facilitator(member, board.id)
        assert boards.facilitated_board_ids(member) == set()
        boards.grant_facilitator(member, board)
        assert boards.is_facilitator(member, board.id)
        assert boards.facilitated_board_ids(member) == {board.id}
        boards.revoke_facilitator(member, board)
        assert not boards.is_facilitator(member, board.id)

    # Asked once before the grant, once after it, once after the revocation: each change
    # drops what the request remembered, and the unchanged checks in between ask nothing.
    assert len(_facilitator_queries(statements)) == 3


def test_each_request_asks_afresh_though_tests_share_one_app_context(app: Flask, ctx):
    board, member = BoardFactory(), UserFactory()
    boards.grant_facilitator(member, board)

    for _ in range(2):
        with app.test_request_context("/"), count_queries() as statements:
            assert boards.is_facilitator(member, board.id)
            assert boards.is_facilitator(member, board.id)
        assert len(_facilitator_reads(statements)) == 1
