"""Background jobs of the posts domain. Jobs take ids and are safe to run twice."""

from __future__ import annotations

from forum.extensions import db
from forum.posts import services


def recount_board(board_id: int) -> None:
    """Recompute a board's cached counters from its threads and posts."""
    services.recount_board(board_id)
    db.session.commit()
