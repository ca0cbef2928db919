"""Following threads and boards. Who follows what is shown to nobody but the follower."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from forum.boards.models import Board
from forum.boards.services import is_facilitator
from forum.extensions import db
from forum.notifications.models import BoardFollow, NotificationPreference, ThreadFollow
from forum.posts.authorship import started
from forum.posts.models import Thread


def dialect_insert(model: Any) -> Any:
    """An INSERT for the session's database that can say ON CONFLICT (SQLite, PostgreSQL)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


def can_follow(user: Any, thread: Thread) -> bool:
    """A thread whose opening post is held or hidden is for its author and facilitators."""
    return not thread.is_hidden or started(user, thread) or is_facilitator(user, thread.board_id)


def follow_thread(user_id: int, thread_id: int) -> None:
    """Follow the thread (idempotent, safe against a double click racing itself)."""
    values = {"user_id": user_id, "thread_id": thread_id}
    db.session.execute(dialect_insert(ThreadFollow).values(values).on_conflict_do_nothing())


def unfollow_thread(user_id: int, thread_id: int) -> None:
    """Stop following the thread (doing nothing if the member did not follow it)."""
    db.session.execute(
        delete(ThreadFollow).where(
            ThreadFollow.user_id == user_id, ThreadFollow.thread_id == thread_id
        )
    )


def follow_board(user_id: int, board: Board) -> None:
    """Follow the board's new threads (idempotent)."""
    values = {"user_id": user_id, "board_id": board.id}
    db.session.execute(dialect_insert(BoardFollow).values(values).on_conflict_do_nothing())


def unfollow_board(user_id: int, board: Board) -> None:
    """Stop following the board."""
    db.session.execute(
        delete(BoardFollow).where(BoardFollow.user_id == user_id, BoardFollow.board_id == board.id)
    )


def follows_board(user_id: int, board_id: int) -> bool:
    """Whether the member follows the board."""
    return db.session.get(BoardFollow, (user_id, board_id)) is not None


def auto_follows(user_id: int) -> bool:
    """Whether replying makes the member follow the thread (their preference; on by default)."""
    preference = db.session.get(NotificationPreference, user_id)
    return preference is None or preference.auto_follow


def followed_boards(user_id: int) -> list[Board]:
    """The boards the member follows, in display order."""
    return list(
        db.session.scalars(
            select(Board)
            .join(BoardFollow, BoardFollow.board_id == Board.id)
            .where(BoardFollow.user_id == user_id)
            .order_by(Board.position, Board.id)
        )
    )


PREFERENCE_FIELDS = ("replies", "new_threads", "mentions", "reactions", "auto_follow")


def preferences_of(user_id: int) -> NotificationPreference:
    """The member's preferences; the defaults (all on, not saved) if they never chose."""
    found = db.session.get(NotificationPreference, user_id)
    if found is not None:
        return found
    return NotificationPreference(user_id=user_id, **dict.fromkeys(PREFERENCE_FIELDS, True))


def save_preferences(user_id: int, **choices: bool) -> NotificationPreference:
    """Save the member's choices (each of PREFERENCE_FIELDS, True or False)."""
    preference = db.session.get(NotificationPreference, user_id)
    if preference is None:
        preference = NotificationPreference(user_id=user_id)
        db.session.add(preference)
    for name in PREFERENCE_FIELDS:
        setattr(preference, name, bool(choices.get(name, False)))
    db.session.flush()
    return preference
