"""The notification domain's part of a member's data export: follows, settings, read marks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum.boards.models import Board
from forum.extensions import db
from forum.notifications.follows import PREFERENCE_FIELDS, preferences_of
from forum.notifications.models import BoardFollow, ThreadFollow, ThreadRead
from forum.posts.models import Thread


def export_following(user_id: int) -> dict[str, Any]:
    """Threads and boards the member follows, with when they started: two queries."""
    threads = db.session.execute(
        select(Thread.id, Thread.title, ThreadFollow.created_at)
        .join(ThreadFollow, ThreadFollow.thread_id == Thread.id)
        .where(ThreadFollow.user_id == user_id)
        .order_by(Thread.id)
    )
    boards = db.session.execute(
        select(Board.slug, Board.name, BoardFollow.created_at)
        .join(BoardFollow, BoardFollow.board_id == Board.id)
        .where(BoardFollow.user_id == user_id)
        .order_by(Board.slug)
    )
    return {
        "threads": [
            {"thread_id": thread_id, "title": title, "since": since.isoformat()}
            for thread_id, title, since in threads
        ],
        "boards": [
            {"board": slug, "name": name, "since": since.isoformat()}
            for slug, name, since in boards
        ],
    }


def export_notification_settings(user_id: int) -> dict[str, bool]:
    """The member's notification choices (the defaults if they never chose)."""
    preference = preferences_of(user_id)
    return {name: bool(getattr(preference, name)) for name in PREFERENCE_FIELDS}


def export_read_marks(user_id: int) -> list[dict[str, Any]]:
    """How far the member has read in each thread (no times: none are kept)."""
    rows = db.session.execute(
        select(Thread.id, Thread.title, ThreadRead.last_read_number)
        .join(ThreadRead, ThreadRead.thread_id == Thread.id)
        .where(ThreadRead.user_id == user_id)
        .order_by(Thread.id)
    )
    return [
        {"thread_id": thread_id, "title": title, "last_read_post_number": number}
        for thread_id, title, number in rows
    ]
