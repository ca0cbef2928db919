"""Notification rules: tell a member something, count and list what is unread."""

from __future__ import annotations

from sqlalchemy import func, select, update

from forum.db import utcnow
from forum.extensions import db
from forum.notifications.models import Notification


def notify(user_id: int, kind: str, text: str, link: str = "") -> Notification:
    """Add a notification for the member."""
    note = Notification(user_id=user_id, kind=kind, text=text, link=link)
    db.session.add(note)
    db.session.flush()
    return note


def unread_count(user_id: int) -> int:
    """How many notifications the member has not read."""
    query = select(func.count()).select_from(Notification)
    query = query.where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


def recent_notifications(user_id: int, limit: int = 50) -> list[Notification]:
    """The member's latest notifications, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user_id: int) -> None:
    """Mark every notification of the member as read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
