"""Board tables: boards and the facilitators assigned to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import CreatedAtMixin, UTCDateTime
from forum.extensions import db


class Board(CreatedAtMixin, db.Model):
    """A topic board. The counters are caches recomputed by a background job."""

    __tablename__ = "board"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    description: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    guidelines_source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    guidelines_html: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    thread_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    post_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # post: visible at once, screened after; new-members: hold the first N posts of
    # members new to Kindred; all: hold every post until a facilitator approves it.
    moderation_mode: Mapped[str] = mapped_column(String(12), nullable=False, default="post")
    new_member_posts: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    # allowed: members choose; forced: every post is anonymous; off: no anonymous posts.
    anonymous_policy: Mapped[str] = mapped_column(String(10), nullable=False, default="allowed")


class BoardFacilitator(CreatedAtMixin, db.Model):
    """A member who facilitates (moderates) one board."""

    __tablename__ = "board_facilitator"

    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
