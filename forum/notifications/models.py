"""Notification, follow, read-mark and preference tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import CreatedAtMixin, UTCDateTime, utcnow
from forum.extensions import db
from forum.posts.models import Post, Thread
from forum.security.keys import seal, unseal


class Notification(CreatedAtMixin, db.Model):
    """Something a member should know. Never names who reported or who reacted.

    `post_id` is set for notifications about a post (replies, new threads, mentions,
    reactions): at most one per member, post and kind, and they go when the post goes.
    The person named in one is read from the post when it is shown, never copied into
    `text`, so a pseudonym change or an account deletion leaves no old name behind.
    """

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        UniqueConstraint("post_id", "user_id", "kind"),
        Index("ix_notification_seal_key", "user_id", "seal_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    link: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), nullable=True
    )
    # A notice to the author of an anonymous post (a reply, a reaction, a moderation
    # outcome): `text` and `link` are sealed under the server secret, `post_id` is empty,
    # and `seal_key` (a keyed digest of member, post and kind) keeps it one per post.
    sealed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    seal_key: Mapped[str | None] = mapped_column(String(32), nullable=True)

    post: Mapped[Post | None] = relationship()

    @property
    def shown_text(self) -> str:
        """The words, opened if sealed."""
        return (unseal(self.text) or "") if self.sealed else self.text

    @property
    def shown_link(self) -> str:
        """The link, opened if sealed."""
        return (unseal(self.link) or "") if self.sealed else self.link

    def reword(self, text: str) -> None:
        """Replace the words, sealed again if the notice is sealed."""
        self.text = seal(text) if self.sealed else text

    def mark_read(self) -> None:
        """Mark as read (idempotent)."""
        if self.read_at is None:
            self.read_at = utcnow()


class ThreadFollow(CreatedAtMixin, db.Model):
    """A member follows a thread: they hear about its new replies. Nobody else sees this."""

    __tablename__ = "thread_follow"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    thread: Mapped[Thread] = relationship()


class BoardFollow(CreatedAtMixin, db.Model):
    """A member follows a board: they hear about its new threads."""

    __tablename__ = "board_follow"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ThreadRead(db.Model):
    """The highest post number a member has seen in a thread.

    No timestamp on purpose: Kindred records what is unread, not when anybody reads.
    """

    __tablename__ = "thread_read"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_number: Mapped[int] = mapped_column(Integer, nullable=False)


class NotificationPreference(db.Model):
    """What a member wants to hear about. No row: everything on (the defaults below)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    replies: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    new_threads: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    mentions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    reactions: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    auto_follow: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
