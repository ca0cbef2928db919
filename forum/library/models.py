"""The library entry: a post a facilitator suggested for a board's "What helped" list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import CreatedAtMixin, UTCDateTime, utcnow
from forum.extensions import db
from forum.posts.models import Post

STATES = ("nominated", "accepted", "declined")


class LibraryEntry(CreatedAtMixin, db.Model):
    """One suggested post; shown only once its author accepts, while the post is visible."""

    __tablename__ = "library_entry"
    __table_args__ = (Index("ix_library_entry_board_state", "board_id", "state", "decided_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), nullable=False
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    nominated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # nominated (waiting for the author) | accepted (shown) | declined (or consent withdrawn)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="nominated")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    post: Mapped[Post] = relationship()

    def decide(self, accepted: bool) -> None:
        """The author's answer; asking again later changes it."""
        self.state = "accepted" if accepted else "declined"
        self.decided_at = utcnow()
