"""Moderation tables: screening state, rule overrides, flags, review items, the action log,
sanctions and bulk actions.

The database, never Redis, is the source of truth for the queue. Flags and review items
keep a snapshot of the flagged text and outlive the post they are about.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.db import CreatedAtMixin, UTCDateTime, utcnow
from forum.extensions import db

LANE_RANK = {"crisis": 0, "red": 1, "amber": 2, "green": 3}


class Screening(db.Model):
    """Whether one post revision has been screened: pending, queued, done or failed."""

    __tablename__ = "screening"
    __table_args__ = (Index("ix_screening_state_updated", "state", "updated_at"),)

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("post_revision.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), nullable=False, index=True
    )
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def mark_queued(self) -> None:
        self.state = "queued"
        self.attempts += 1
        self.updated_at = utcnow()

    def mark_done(self) -> None:
        self.state = "done"
        self.updated_at = self.finished_at = utcnow()

    def mark_failed(self) -> None:
        self.state = "failed"
        self.updated_at = self.finished_at = utcnow()


class RuleOverride(db.Model):
    """An admin's rule: replaces the shipped rule with the same key, or adds a new one."""

    __tablename__ = "screening_rule"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    data: Mapped[str] = mapped_column(Text, nullable=False)  # the rule as JSON
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ReviewItem(CreatedAtMixin, db.Model):
    """One post waiting for (or handled by) a facilitator, with a snapshot of its text."""

    __tablename__ = "review_item"
    __table_args__ = (
        Index("ix_review_item_queue", "state", "lane_rank", "created_at"),
        # At most one open item per post; resolved ones stay as history.
        Index(
            "uq_review_item_open_post",
            "post_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), nullable=True
    )
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), nullable=False, index=True)
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread.id", ondelete="SET NULL"), nullable=True
    )
    # The author of a named post. An anonymous post's item has no author id, only the
    # opaque member reference facilitators see (forum.posts.anonymity.member_reference).
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    member_ref: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    lane: Mapped[str] = mapped_column(String(8), nullable=False, default="green")
    lane_rank: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    needs_manual: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    escalated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    snapshot_title: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    snapshot_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(20), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - optimistic locking

    def raise_lane(self, lane: str) -> None:
        """Move the item up to `lane` if that is more urgent than where it is."""
        if LANE_RANK[lane] < self.lane_rank:
            self.lane, self.lane_rank = lane, LANE_RANK[lane]
        self.updated_at = utcnow()

    def touch(self) -> None:
        """Record a change, so that pages opened before it are refused as stale."""
        self.updated_at = utcnow()

    def resolve(self, by_id: int | None, resolution: str) -> None:
        self.state = "resolved"
        self.resolution = resolution
        self.resolved_by_id = by_id
        self.resolved_at = self.updated_at = utcnow()
        self.claimed_by_id = self.claimed_at = None

    def reopen(self) -> None:
        self.state = "open"
        self.resolution = self.resolved_by_id = self.resolved_at = None
        self.updated_at = utcnow()


class Flag(CreatedAtMixin, db.Model):
    """One reason a post needs a human: a screening match, a report or a system note."""

    __tablename__ = "flag"
    __table_args__ = (
        UniqueConstraint("revision_id", "rule_key"),  # a job run twice adds nothing
        UniqueConstraint("post_id", "reporter_id"),  # one report per member per post
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_item_id: Mapped[int] = mapped_column(
        ForeignKey("review_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), nullable=True
    )
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("post_revision.id", ondelete="SET NULL"), nullable=True
    )
    source: Mapped[str] = mapped_column(String(12), nullable=False)  # screening|report|system
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    lane: Mapped[str] = mapped_column(String(8), nullable=False)
    rule_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    reason: Mapped[str] = mapped_column(String(300), nullable=False)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )


class ActionLog(db.Model):
    """One facilitator or system action. Rows are appended and never updated.

    `hash` covers every field but `subject_user_id` (which is removed when a member deletes
    their account) and chains to the previous row's hash; `prev_hash` is unique, so two
    writers racing for the end of the chain cannot fork it.
    """

    __tablename__ = "action_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    actor_label: Mapped[str] = mapped_column(String(40), nullable=False)
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    review_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    post_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    details: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class Sanction(CreatedAtMixin, db.Model):
    """A step on the ladder: note, warning, mute or suspension, with a reason and expiry."""

    __tablename__ = "sanction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    review_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_item.id", ondelete="SET NULL"), nullable=True
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    appeal_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    appeal_outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)

    def is_active(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > now)


class BulkAction(CreatedAtMixin, db.Model):
    """A bulk approve or hide, kept so it can be undone for a few minutes."""

    __tablename__ = "bulk_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(12), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    undo_until: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    items: Mapped[str] = mapped_column(Text, nullable=False)  # JSON: what to restore

    @property
    def count(self) -> int:
        """How many items the bulk action changed."""
        return len(json.loads(self.items))


class Reidentification(CreatedAtMixin, db.Model):
    """A break-glass request to learn who wrote an anonymous post: one admin asks with a
    reason, a second, different admin approves. The answer is shown once, never stored."""

    __tablename__ = "reidentification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="SET NULL"), nullable=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), nullable=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
