"""Board rules: listing, creation, demo seed, cached counters and facilitators."""

from __future__ import annotations

import re
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.boards.models import Board, BoardFacilitator
from forum.db import enqueue_after_commit, utcnow
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
        name=_clean_name(name),
        description=_clean_description(description),
        guidelines_source=source,
        guidelines_html=render_markdown(source),
        position=position,
    )
    db.session.add(board)
    db.session.flush()
    return board


MODERATION_MODES = ("post", "new-members", "all")
ANONYMOUS_POLICIES = ("allowed", "forced", "off")


def all_boards() -> list[Board]:
    """Every board, archived ones included, in display order (for admins)."""
    return list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))


def edit_board(
    board: Board,
    *,
    name: str | None = None,
    description: str | None = None,
    guidelines: str | None = None,
) -> Board:
    """Change a board's name, description or guidelines (Markdown, rendered once now)."""
    if name is not None:
        board.name = _clean_name(name)
    if description is not None:
        board.description = _clean_description(description)
    if guidelines is not None:
        board.guidelines_source = normalise_text(guidelines)
        board.guidelines_html = render_markdown(board.guidelines_source)
    db.session.flush()
    return board


def _clean_name(name: str) -> str:
    name = normalise_text(name, multiline=False).strip()
    if not 1 <= len(name) <= 80:
        raise BoardInvalid("A board name is 1 to 80 characters long.")
    return name


def _clean_description(description: str) -> str:
    description = normalise_text(description, multiline=False).strip()
    if len(description) > 300:
        raise BoardInvalid("A board description is at most 300 characters long.")
    return description


def archive_board(board: Board) -> bool:
    """Archive the board: it leaves the home page and takes no new threads; threads stay
    readable. Returns False if it was archived already."""
    if board.archived_at is not None:
        return False
    board.archived_at = utcnow()
    db.session.flush()
    return True


def unarchive_board(board: Board) -> bool:
    """Bring an archived board back; returns False if it was not archived."""
    if board.archived_at is None:
        return False
    board.archived_at = None
    db.session.flush()
    return True


def reorder_boards(slugs: list[str]) -> list[Board]:
    """Put the named boards first, in the order given; the others follow in their order."""
    boards = all_boards()
    by_slug = {board.slug: board for board in boards}
    unknown = [slug for slug in slugs if slug not in by_slug]
    if unknown:
        raise BoardInvalid(f"No board has the slug {unknown[0]!r}.")
    if len(set(slugs)) != len(slugs):
        raise BoardInvalid("Name each board once.")
    named = [by_slug[slug] for slug in slugs]
    ordered = named + [board for board in boards if board.slug not in set(slugs)]
    for position, board in enumerate(ordered, start=1):
        board.position = position
    db.session.flush()
    return ordered


def set_board_policy(
    board: Board,
    *,
    moderation: str | None = None,
    anonymous: str | None = None,
    new_member_posts: int | None = None,
) -> Board:
    """Set how the board is moderated and whether posts there may, must or may not be
    anonymous. Only what is given changes."""
    if moderation is not None:
        if moderation not in MODERATION_MODES:
            raise BoardInvalid(f"Moderation is one of {', '.join(MODERATION_MODES)}.")
        board.moderation_mode = moderation
    if anonymous is not None:
        if anonymous not in ANONYMOUS_POLICIES:
            raise BoardInvalid(f"Anonymous posting is one of {', '.join(ANONYMOUS_POLICIES)}.")
        board.anonymous_policy = anonymous
    if new_member_posts is not None:
        if not 1 <= new_member_posts <= 100:
            raise BoardInvalid("New members' held posts number from 1 to 100.")
        board.new_member_posts = new_member_posts
    db.session.flush()
    return board


def facilitator_roles(board: Board | None = None) -> list[tuple[Board, User]]:
    """Every (board, facilitator) pair, by board order then pseudonym; one board if given."""
    query = (
        select(Board, User)
        .join(BoardFacilitator, BoardFacilitator.board_id == Board.id)
        .join(User, BoardFacilitator.user_id == User.id)
        .order_by(Board.position, Board.id, User.pseudonym_key)
    )
    if board is not None:
        query = query.where(Board.id == board.id)
    return [(b, u) for b, u in db.session.execute(query)]


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
    return board_id in _facilitated(user.id)


def facilitated_board_ids(user: Any) -> set[int] | None:
    """The boards the member facilitates, in one query; None for admins (every board)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_admin:
        return None
    return set(_facilitated(user.id))


def _facilitated(user_id: int) -> frozenset[int]:
    """The member's boards, asked once per request (the page and its header both ask).

    Remembered on `g` for the current request only: tests keep one app context, hence one
    `g`, across many requests, so the memo is tied to the request object; outside a request
    (jobs, CLI, services called directly) every call asks the database.
    """
    query = select(BoardFacilitator.board_id).where(BoardFacilitator.user_id == user_id)
    if not has_request_context():
        return frozenset(db.session.scalars(query))
    current = request._get_current_object()  # type: ignore[attr-defined]
    memo = g.get("facilitated_boards")
    if memo is None or memo[0] is not current:
        memo = (current, {})
        g.facilitated_boards = memo
    if user_id not in memo[1]:
        memo[1][user_id] = frozenset(db.session.scalars(query))
    return memo[1][user_id]


def _forget_facilitated() -> None:
    """Drop the request's memo of facilitated boards, after a role changed."""
    g.pop("facilitated_boards", None)


def grant_facilitator(user: User, board: Board) -> bool:
    """Make the member a facilitator of the board (idempotent); False if they were one."""
    if db.session.get(BoardFacilitator, (board.id, user.id)) is not None:
        return False
    db.session.add(BoardFacilitator(board_id=board.id, user_id=user.id))
    db.session.flush()
    _forget_facilitated()
    return True


def revoke_facilitator(user: User, board: Board) -> bool:
    """Remove the member's facilitator role on the board; False if they did not have it."""
    row = db.session.get(BoardFacilitator, (board.id, user.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    _forget_facilitated()
    return True
