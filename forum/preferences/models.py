"""The mute list: one row per member who muted something."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import UTCDateTime, utcnow
from forum.extensions import db
from forum.posts import warnings


class MuteList(db.Model):
    """Themes (content-warning keys, comma-separated) and words (one per line) to fold away."""

    __tablename__ = "mute_list"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    themes: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    words: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    @property
    def theme_keys(self) -> list[str]:
        return warnings.parse_keys(self.themes)

    @property
    def word_list(self) -> list[str]:
        return [word for word in self.words.split("\n") if word]

    def replace(self, themes: str, words: list[str]) -> None:
        """Store a new, already cleaned, mute list."""
        self.themes = themes
        self.words = "\n".join(words)
        self.updated_at = utcnow()
