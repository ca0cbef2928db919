"""Reaction table: one empathy reaction of one member to one post."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import CreatedAtMixin
from forum.extensions import db

# key -> the button's words, in the order the buttons are shown.
KINDS: dict[str, str] = {
    "hear": "I hear you",
    "metoo": "Me too",
    "strength": "Sending strength",
    "helped": "This helped",
}


class Reaction(CreatedAtMixin, db.Model):
    """A member's reaction to a post: one of each kind per member per post.

    Nobody but the member sees that it is theirs: pages and notifications show counts.
    The unique constraint's index (post_id first) also serves the per-post counts.
    """

    __tablename__ = "reaction"
    __table_args__ = (UniqueConstraint("post_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
