"""Content retention: the text of withdrawn and hidden posts is purged after a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update

from forum.db import utcnow
from forum.extensions import db
from forum.moderation.models import ActionLog
from forum.posts.models import Post, PostRevision
from forum.privacy.services import blank_moderation_copies, execute_bulk

MAX_RETENTION_DAYS = 36_500


class RetentionInvalid(ValueError):
    """The retention period is not a whole number of days from 0 to 36,500."""


@dataclass(frozen=True)
class PurgeReport:
    """How many rows lost text: posts, revisions, review-item snapshots and flag reasons."""

    cutoff: datetime
    posts: int
    revisions: int
    review_items: int
    flags: int


def retention_cutoff(days: Any, now: datetime | None = None) -> datetime:
    """The moment before which withdrawn or hidden posts are purged. Raises RetentionInvalid."""
    if isinstance(days, bool) or not isinstance(days, int):
        try:
            days = int(str(days).strip())
        except ValueError:
            raise RetentionInvalid(
                f"the number of days must be a whole number, not {days!r}"
            ) from None
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise RetentionInvalid(f"the number of days must be from 0 to {MAX_RETENTION_DAYS:,}")
    return (now or utcnow()) - timedelta(days=days)


def _expired(cutoff: datetime) -> ColumnElement[bool]:
    """Posts withdrawn by their author, or hidden by a facilitator, before `cutoff`.

    A post has no "hidden at" column: the time it was hidden is that of its latest
    "hide" entry in the action log, which every hide writes. A hidden post with no such
    entry is left alone, as nobody can tell how long it has been hidden.
    """
    hidden_at = (
        select(func.max(ActionLog.created_at))
        .where(ActionLog.post_id == Post.id, ActionLog.action == "hide")
        .scalar_subquery()
    )
    return or_(Post.withdrawn_at < cutoff, and_(Post.state == "hidden", hidden_at < cutoff))


def _has_text() -> ColumnElement[bool]:
    return or_(Post.body_source != "", Post.body_html != "")


def count_purgeable(cutoff: datetime) -> int:
    """How many posts `purge_expired_content(cutoff)` would blank (those with text left)."""
    query = select(func.count()).select_from(Post).where(_expired(cutoff), _has_text())
    return db.session.scalar(query) or 0


def purge_expired_content(cutoff: datetime) -> PurgeReport:
    """Permanently blank the text of posts withdrawn or hidden before `cutoff`.

    The post rows stay (so the thread's numbering and the "withdrawn" or "hidden" line
    stay); their body and every revision's body and title become "", and the copies held
    by moderation (review-item snapshots, quotes in flag reasons) are blanked. Nothing
    else is touched, and running it twice changes nothing more.
    """
    expired_ids = select(Post.id).where(_expired(cutoff))
    posts = execute_bulk(
        update(Post).where(_expired(cutoff), _has_text()).values(body_source="", body_html="")
    )
    revisions = execute_bulk(
        update(PostRevision)
        .where(
            PostRevision.post_id.in_(expired_ids),
            or_(
                PostRevision.body_source != "",
                PostRevision.body_html != "",
                PostRevision.title.is_not(None),
            ),
        )  # fmt: skip
        .values(body_source="", body_html="", title=None)
    )
    items, flags = blank_moderation_copies(expired_ids)
    return PurgeReport(cutoff, posts, revisions, items, flags)
