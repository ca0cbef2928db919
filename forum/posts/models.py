"""Thread, post and revision tables, with the small state transitions of a post."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import CreatedAtMixin, UTCDateTime, utcnow
from forum.extensions import db
from forum.posts import warnings

# The largest id an INTEGER column holds on PostgreSQL; larger ids from URLs match no row
# (and SQLite cannot even bind an int past 2**63, which would be a 500).
MAX_ID = 2**31 - 1


class Thread(CreatedAtMixin, db.Model):
    """A conversation on a board. `post_count` also numbers the posts (1, 2, 3...)."""

    __tablename__ = "thread"
    __table_args__ = (
        # The board listing: pinned first, then most recent activity, keyset by id.
        Index("ix_thread_board_listing", "board_id", "is_pinned", "last_post_at", "id"),
        # The unanswered list: oldest first, over the (few) threads nobody has answered yet.
        Index(
            "ix_thread_unanswered",
            "created_at",
            "id",
            postgresql_where=text("answered_at IS NULL"),
            sqlite_where=text("answered_at IS NULL"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(150), nullable=False)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    post_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_locked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Mirrors the first post: a held or hidden opening post hides the thread from others.
    is_hidden: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The opening post is anonymous: listings show its per-thread alias, never the author.
    is_anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    anon_alias: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # For an anonymous thread, in place of author_id: see forum.posts.authorship.
    owner_tag: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # What the author would like from replies: a key of forum.posts.intent.INTENTS, or None.
    reply_intent: Mapped[str | None] = mapped_column(String(12), nullable=True)
    # When a reply first showed under another name than the opening post's (see
    # forum.posts.unanswered); None while nobody else has answered.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    board: Mapped[Board] = relationship()
    author: Mapped[User | None] = relationship()


class Post(CreatedAtMixin, db.Model):
    """One message in a thread. The Markdown source and its sanitised HTML are both kept."""

    __tablename__ = "post"
    __table_args__ = (UniqueConstraint("thread_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("thread.id", ondelete="CASCADE"), nullable=False
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    body_source: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # visible | held (waiting for a facilitator) | hidden (removed by a facilitator)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="visible")
    hidden_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Content warnings: keys from forum.posts.warnings.WARNINGS, comma-separated, and the
    # author's (or a facilitator's) own words.
    content_warning_keys: Mapped[str | None] = mapped_column(String(80), nullable=True)
    content_warning: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # Shown under a per-thread alias; only the author (and break-glass) can link it to them.
    # An anonymous post has no author_id: owner_tag and sealed_author stand in for it, and
    # neither means anything without the server secret (see forum.posts.authorship).
    is_anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    anon_alias: Mapped[str | None] = mapped_column(String(40), nullable=True)
    owner_tag: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sealed_author: Mapped[str | None] = mapped_column(String(200), nullable=True)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def revise(self, source: str, html: str) -> None:
        """Replace the body with a new version; the caller records the revision row."""
        self.body_source = source
        self.body_html = html
        self.revision += 1
        self.edited_at = utcnow()

    @property
    def warning_keys(self) -> list[str]:
        """The chosen warning keys, in list order."""
        return warnings.parse_keys(self.content_warning_keys)

    @property
    def content_warnings(self) -> list[str]:
        """Every warning readers see: the chosen themes' labels, then the free text."""
        return warnings.labels(self.warning_keys, self.content_warning)

    def set_content_warnings(self, keys: str | None, custom: str | None) -> None:
        """Replace the warnings (already cleaned: see forum.posts.warnings)."""
        self.content_warning_keys = keys
        self.content_warning = custom

    @property
    def is_visible(self) -> bool:
        """Shown to every member (withdrawn posts still show their placeholder)."""
        return self.state == "visible"

    def _set_state(self, state: str) -> None:
        self.state = state
        if self.number == 1:
            self.thread.is_hidden = state != "visible"

    def hold(self) -> None:
        """Wait for a facilitator: only the author and facilitators see the post."""
        self._set_state("held")

    def publish(self) -> None:
        """Make a held or hidden post visible to everyone."""
        self.hidden_reason = None
        self._set_state("visible")

    def hide(self, reason: str) -> None:
        """Removed by a facilitator, with a reason the author sees."""
        self.hidden_reason = reason
        self._set_state("hidden")

    def redact(self, source: str, html: str) -> None:
        """Replace the text by a facilitator's version (e.g. personal information removed)."""
        self.body_source = source
        self.body_html = html
        self.edited_at = utcnow()

    def withdraw(self) -> None:
        """Soft-delete by the author: the thread shows "withdrawn by the author"."""
        if self.withdrawn_at is None:
            self.withdrawn_at = utcnow()


class PostRevision(CreatedAtMixin, db.Model):
    """Every version of a post, the first included; visible to its author and facilitators."""

    __tablename__ = "post_revision"
    __table_args__ = (UniqueConstraint("post_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(String(150), nullable=True)
    body_source: Mapped[str] = mapped_column(Text, nullable=False)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
