"""Unanswered threads: nobody but their author has replied yet. Oldest first, keyset-paged.

A reply answers a thread when it shows under another name than the opening post: by
another member, by a former member, or by the author under their other identity. That
last case matters for anonymity: if an anonymous reply in the author's own named thread
(or a named reply in their anonymous thread) left the thread "unanswered", anyone could
tell the reply was the author's. `thread.answered_at` is set once, when such a reply is
added visible or is published after being held; later hiding or withdrawing it does not
make the thread unanswered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import contains_eager, joinedload

from forum import events
from forum.boards.models import Board
from forum.db import utcnow
from forum.extensions import db
from forum.posts.listing import _decode_cursor
from forum.posts.models import Post, Thread


def answers(post: Post, thread: Thread) -> bool:
    """The reply shows under another name than the thread's opening post."""
    if post.is_anonymous != thread.is_anonymous:
        return True
    if post.is_anonymous:  # one member's anonymous posts in a thread share its owner tag
        return post.owner_tag is None or post.owner_tag != thread.owner_tag
    return post.author_id is None or post.author_id != thread.author_id


def mark_answered(post: Post, **_: Any) -> None:
    """Receiver of post_created and post_published: a visible answer marks the thread."""
    thread = post.thread
    if post.number == 1 or post.state != "visible" or thread.answered_at is not None:
        return
    if answers(post, thread):
        thread.answered_at = utcnow()


def connect_events() -> None:
    """Listen for new and newly published posts (idempotent)."""
    events.post_created.connect(mark_answered)
    events.post_published.connect(mark_answered)


@dataclass(frozen=True)
class UnansweredPage:
    """A slice of the unanswered threads and the cursor of the next slice, if any."""

    threads: list[Thread]
    after: str | None


def unanswered_threads(limit: int, after: str | None = None) -> UnansweredPage:
    """Visible, unlocked, unpinned threads on active boards whose opening post is still
    there and that nobody else has answered, oldest first: one query per page.

    A malformed cursor raises ValueError.
    """
    query = (
        select(Thread)
        .join(Board, Thread.board_id == Board.id)
        .join(Post, (Post.thread_id == Thread.id) & (Post.number == 1))
        .options(contains_eager(Thread.board), joinedload(Thread.author))
        .where(
            Thread.answered_at.is_(None),
            Thread.is_hidden.is_(False),
            Thread.is_locked.is_(False),
            Thread.is_pinned.is_(False),
            Board.archived_at.is_(None),
            Post.withdrawn_at.is_(None),
        )
        .order_by(Thread.created_at, Thread.id)
    )
    if after:
        query = query.where(tuple_(Thread.created_at, Thread.id) > _decode_cursor(after))
    rows = list(db.session.scalars(query.limit(limit + 1)))
    threads = rows[:limit]
    more = len(rows) > limit
    return UnansweredPage(threads, _cursor(threads[-1]) if more else None)


def _cursor(thread: Thread) -> str:
    moment = thread.created_at
    stamp = int(moment.replace(microsecond=0).timestamp()) * 1_000_000 + moment.microsecond
    return f"{stamp}.{thread.id}"


def waited(since: datetime, now: datetime | None = None) -> str:
    """How long a thread has waited, in words: "waiting 3 hours"."""
    seconds = max(0, int(((now or utcnow()) - since).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"waiting {count} {unit}{'' if count == 1 else 's'}"
    return "waiting under a minute"
