"""Unread tracking: the last post number each member has seen in each thread.

A thread is new to a member when they have never opened it and it started after they
joined; it has new posts when posts by others numbered past their mark are visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select

from forum.accounts.models import User
from forum.extensions import db
from forum.notifications.follows import dialect_insert
from forum.notifications.models import ThreadFollow, ThreadRead
from forum.posts.authorship import owner_tag
from forum.posts.models import Post, Thread


def last_read(user_id: int, thread_id: int) -> tuple[int | None, bool]:
    """The member's mark in the thread (None: never opened) and whether they follow it."""
    following = select(ThreadFollow.user_id).where(
        ThreadFollow.user_id == user_id, ThreadFollow.thread_id == thread_id
    )
    mark = select(ThreadRead.last_read_number).where(
        ThreadRead.user_id == user_id, ThreadRead.thread_id == thread_id
    )
    row = db.session.execute(
        select(mark.scalar_subquery(), following.exists())
    ).one()  # fmt: skip
    return row[0], bool(row[1])


def mark_read(user_id: int, thread_id: int, number: int) -> None:
    """Move the member's mark up to `number` (never down), in one upsert."""
    if number < 1:
        return
    statement = dialect_insert(ThreadRead).values(
        user_id=user_id, thread_id=thread_id, last_read_number=number
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "thread_id"],
        set_={"last_read_number": statement.excluded.last_read_number},
        where=ThreadRead.last_read_number < statement.excluded.last_read_number,
    )
    db.session.execute(statement)


@dataclass(frozen=True)
class Unread:
    """What is new in a thread for a member: `count` new posts, `opened` if ever read."""

    count: int
    opened: bool


def unread_in(user: Any, thread_ids: list[int]) -> dict[int, Unread]:
    """New posts per thread for the member, for a page of threads: one query.

    Threads with nothing new are absent. Only visible, not withdrawn posts by others count.
    """
    if not thread_ids or not getattr(user, "is_authenticated", False):
        return {}
    mark = ThreadRead.__table__
    joined = and_(mark.c.thread_id == Post.thread_id, mark.c.user_id == user.id)
    query = (
        select(Post.thread_id, func.count(), func.max(mark.c.last_read_number))
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(mark, joined)
        .where(
            Post.thread_id.in_(thread_ids),
            Post.number > func.coalesce(mark.c.last_read_number, 0),
            Post.state == "visible",
            Post.withdrawn_at.is_(None),
            or_(Post.author_id.is_(None), Post.author_id != user.id),
            or_(mark.c.user_id.is_not(None), Thread.created_at >= user.created_at),
        )
        .group_by(Post.thread_id)
    )
    return {
        thread_id: Unread(count=count, opened=last is not None)
        for thread_id, count, last in db.session.execute(query)
    }


def first_unread(user_id: int, thread: Thread) -> Post | None:
    """The first post past the member's mark that they can see, or None."""
    mark = select(ThreadRead.last_read_number).where(
        ThreadRead.user_id == user_id, ThreadRead.thread_id == thread.id
    )
    return db.session.scalar(
        select(Post)
        .where(
            Post.thread_id == thread.id,
            Post.number > func.coalesce(mark.scalar_subquery(), 0),
            or_(
                Post.state == "visible",
                Post.author_id == user_id,
                Post.owner_tag == owner_tag(user_id, thread.id),
            ),
        )
        .order_by(Post.number)
        .limit(1)
    )


def followed_with_news(user: User, limit: int = 10) -> tuple[list[Thread], dict[int, Unread]]:
    """The member's followed threads with new posts, latest activity first: two queries."""
    followed = select(ThreadFollow.thread_id).where(ThreadFollow.user_id == user.id)
    mark = select(ThreadRead.last_read_number).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id == Thread.id
    )
    threads = list(
        db.session.scalars(
            select(Thread)
            .where(
                Thread.id.in_(followed),
                or_(Thread.is_hidden.is_(False), Thread.author_id == user.id),
                Thread.post_count > func.coalesce(mark.scalar_subquery(), 0),
            )
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .limit(limit * 3)
        )
    )
    unread = unread_in(user, [thread.id for thread in threads])
    shown = [thread for thread in threads if thread.id in unread][:limit]
    return shown, unread
