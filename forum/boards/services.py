"""Board rules: listing, creation, demo seed, cached counters and facilitators."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from forum.accounts.models import User
from forum.boards.models import Board, BoardFacilitator
from forum.db import enqueue_after_commit
from forum.extensions import db
from forum.security.sanitize import render_markdown
from forum.security.text import normalise_text

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

DEMO_BOARDS: list[dict[str, str]] = [
    {"slug": "introductions", "name": "Introductions",
     "description": "Say hello, share as much or as little as you like, and meet the community."},
    {"slug": "anxiety", "name": "Anxiety",
     "description": "Worry, panic, social anxiety: what it is like and what helps."},
    {"slug": "depression", "name": "Depression",
     "description": "Low days and long stretches. You are not alone here."},
    {"slug": "grief-and-loss", "name": "Grief and loss",
     "description": "For anyone grieving a person, a pet, a relationship or a future."},
    {"slug": "recovery", "name": "Recovery from addiction",
     "description": "Sobriety, slips and staying with it, one day at a time."},
    {"slug": "caregivers", "name": "Caregivers",
     "description": "Looking after someone else, and remembering to look after yourself."},
    {"slug": "chronic-illness", "name": "Chronic illness",
     "description": "Living with long-term illness, pain and fatigue."},
]  # fmt: skip


class BoardInvalid(ValueError):
    """The board's slug or fields break a rule."""


def list_boards() -> list[Board]:
    """Active boards in their display order."""
    return list(
        db.session.scalars(
            select(Board).where(Board.archived_at.is_(None)).order_by(Board.position, Board.id)
        )
    )


def get_board(slug: str) -> Board | None:
    """The board with this slug, archived or not.

    Text that cannot be a slug matches no board without a query: PostgreSQL would refuse
    a NUL from the URL with an error (a 500) instead of finding nothing.
    """
    if not _SLUG.fullmatch(slug):
        return None
    return db.session.scalar(select(Board).where(Board.slug == slug))


def create_board(
    slug: str, name: str, description: str = "", guidelines: str = "", position: int | None = None
) -> Board:
    """Create a board; its guidelines are Markdown, rendered once now."""
    if not _SLUG.fullmatch(slug) or len(slug) > 40:
        raise BoardInvalid("A slug is lowercase letters and digits joined by hyphens.")
    if get_board(slug) is not None:
        raise BoardInvalid(f"A board with the slug {slug!r} already exists.")
    if position is None:
        position = (db.session.scalar(select(func.max(Board.position))) or 0) + 1
    source = normalise_text(guidelines)
    board = Board(
        slug=slug,
        name=normalise_text(name, multiline=False).strip(),
        description=normalise_text(description, multiline=False).strip(),
        guidelines_source=source,
        guidelines_html=render_markdown(source),
        position=position,
    )
    db.session.add(board)
    db.session.flush()
    return board


def seed_demo_boards() -> int:
    """Create the demo boards when there are none yet; return how many were created."""
    if db.session.scalar(select(func.count()).select_from(Board)):
        return 0
    for position, fields in enumerate(DEMO_BOARDS, start=1):
        create_board(position=position, **fields)
    return len(DEMO_BOARDS)


def schedule_board_recount(board_id: int) -> None:
    """Recompute the board's cached counters in the background once this transaction commits.

    The job lives in the posts domain (it counts posts); it is named by path so that every
    domain, whatever its place in the dependency order, schedules it the same way.
    """
    enqueue_after_commit(
        "forum.posts.jobs.recount_board", board_id, job_id=f"recount-board-{board_id}"
    )


def is_facilitator(user: Any, board_id: int) -> bool:
    """True for admins and for facilitators of this board."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    return db.session.get(BoardFacilitator, (board_id, user.id)) is not None


def grant_facilitator(user: User, board: Board) -> None:
    """Make the member a facilitator of the board (idempotent)."""
    if db.session.get(BoardFacilitator, (board.id, user.id)) is None:
        db.session.add(BoardFacilitator(board_id=board.id, user_id=user.id))
        db.session.flush()


def revoke_facilitator(user: User, board: Board) -> None:
    """Remove the member's facilitator role on the board, if they had it."""
    row = db.session.get(BoardFacilitator, (board.id, user.id))
    if row is not None:
        db.session.delete(row)
        db.session.flush()
