"""Notification table: one message for one member, read or unread."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import CreatedAtMixin, UTCDateTime, utcnow
from forum.extensions import db


class Notification(CreatedAtMixin, db.Model):
    """Something a member should know. Never names who reported or who reacted."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def mark_read(self) -> None:
        """Mark as read (idempotent)."""
        if self.read_at is None:
            self.read_at = utcnow()
