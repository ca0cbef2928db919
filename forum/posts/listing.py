"""A board's thread list: pinned first, then keyset pagination by last activity.

A cursor is the last activity (in microseconds) and id of the last thread shown, so page
2,000 costs what page 1 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload

from forum.boards.models import Board
from forum.extensions import db
from forum.posts.models import MAX_ID, Thread


@dataclass(frozen=True)
class ThreadListing:
    """One page of a board: pinned threads (first page only) and a keyset-paged slice."""

    pinned: list[Thread]
    threads: list[Thread]
    older: str | None
    newer: str | None


def list_threads(
    board: Board, per_page: int, *, older: str | None = None, newer: str | None = None
) -> ThreadListing:
    """A board's threads by last activity, keyset-paginated so every page costs the same."""
    base = (
        select(Thread)
        .options(joinedload(Thread.author))
        .where(
            Thread.board_id == board.id, Thread.is_pinned.is_(False), Thread.is_hidden.is_(False)
        )
    )
    key = tuple_(Thread.last_post_at, Thread.id)
    if newer:
        query = base.where(key > _decode_cursor(newer)).order_by(Thread.last_post_at, Thread.id)
        rows = list(db.session.scalars(query.limit(per_page + 1)))
        threads = list(reversed(rows[:per_page]))
        has_newer, has_older = len(rows) > per_page, True
    else:
        query = base.order_by(Thread.last_post_at.desc(), Thread.id.desc())
        if older:
            query = query.where(key < _decode_cursor(older))
        rows = list(db.session.scalars(query.limit(per_page + 1)))
        threads = rows[:per_page]
        has_newer, has_older = older is not None, len(rows) > per_page
    return ThreadListing(
        pinned=[] if has_newer else _pinned_threads(board),
        threads=threads,
        older=_encode_cursor(threads[-1]) if threads and has_older else None,
        newer=_encode_cursor(threads[0]) if threads and has_newer else None,
    )


def _pinned_threads(board: Board) -> list[Thread]:
    return list(
        db.session.scalars(
            select(Thread)
            .options(joinedload(Thread.author))
            .where(
                Thread.board_id == board.id, Thread.is_pinned.is_(True), Thread.is_hidden.is_(False)
            )
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        )
    )


def _encode_cursor(thread: Thread) -> str:
    moment = thread.last_post_at
    # Whole-number arithmetic: a float would round some microseconds away.
    stamp = int(moment.replace(microsecond=0).timestamp()) * 1_000_000 + moment.microsecond
    return f"{stamp}.{thread.id}"


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Parse a cursor; a malformed or out-of-range one raises ValueError (the view answers 400)."""
    stamp, _, thread_id = cursor.partition(".")
    seconds, micros = divmod(int(stamp), 1_000_000)
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=micros)
    except (OverflowError, OSError):
        raise ValueError("cursor time out of range") from None
    number = int(thread_id)
    if not 0 < number <= MAX_ID:
        raise ValueError("cursor id out of range")
    return moment, number
