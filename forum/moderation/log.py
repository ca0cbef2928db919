"""The append-only, hash-chained action log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from forum.db import utcnow
from forum.extensions import db
from forum.moderation.models import ActionLog
from forum.posts.authorship import anonymous_post_ids

GENESIS = "0" * 64
_RETRIES = 5


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None


def _digest(row: ActionLog) -> str:
    fields = [
        row.prev_hash,
        row.created_at.isoformat(),
        row.actor_label,
        row.action,
        row.review_item_id,
        row.post_id,
        row.reason,
        row.details,
    ]
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def _last_hash() -> str:
    last = db.session.scalar(select(ActionLog.hash).order_by(ActionLog.id.desc()).limit(1))
    return last or GENESIS


def append_log(
    action: str,
    *,
    actor: Any = None,
    reason: str = "",
    review_item_id: int | None = None,
    post_id: int | None = None,
    subject_user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> ActionLog:
    """Append one row at the end of the chain; retried if another writer got there first."""
    for _ in range(_RETRIES):
        row = ActionLog(
            created_at=utcnow().replace(microsecond=0),
            actor_id=getattr(actor, "id", None),
            actor_label=getattr(actor, "pseudonym", None) or "system",
            action=action,
            reason=reason,
            review_item_id=review_item_id,
            post_id=post_id,
            subject_user_id=subject_user_id,
            details=json.dumps(details or {}, sort_keys=True),
            prev_hash=_last_hash(),
        )
        row.hash = _digest(row)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue
        return row
    raise RuntimeError("could not append to the action log: too much contention")


def verify_chain(batch: int = 1000) -> ChainReport:
    """Check every row's hash and link, oldest first, in batches."""
    expected_prev, checked, after = GENESIS, 0, 0
    while True:
        rows = db.session.scalars(
            select(ActionLog).where(ActionLog.id > after).order_by(ActionLog.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(ok=True, checked=checked)
        for row in rows:
            if row.prev_hash != expected_prev or row.hash != _digest(row):
                return ChainReport(ok=False, checked=checked, first_bad_id=row.id)
            expected_prev, checked, after = row.hash, checked + 1, row.id


def log_entries(
    since: datetime | None = None, action: str | None = None, limit: int | None = 100
) -> list[ActionLog]:
    """The latest log rows, oldest of them first: since a moment, of one action, at most
    `limit` (None: all)."""
    query = select(ActionLog).order_by(ActionLog.id.desc())
    if since is not None:
        query = query.where(ActionLog.created_at >= since)
    if action is not None:
        query = query.where(ActionLog.action == action)
    if limit:
        query = query.limit(limit)
    return list(reversed(db.session.scalars(query).all()))


# What a member is shown about their own content: decisions that changed it or them.
# Internal steps (claims, approvals' notes, escalations, appeals' bookkeeping) stay internal.
MEMBER_VISIBLE_ACTIONS = (
    "hide", "restore", "redact", "content_warning", "thread_lock", "thread_unlock",
    "thread_move", "sanction_note", "sanction_warning", "sanction_mute", "sanction_suspension",
    "appeal_decided", "reidentify", "lift_mute", "lift_suspension",
)  # fmt: skip


def actions_about_member(user_id: int, limit: int = 100) -> list[ActionLog]:
    """The decisions about a member's own content, newest first (for their own page).

    Rows about an anonymous post name no member; they are found by the post, among the
    member's own anonymous posts (owner tags recomputed over the anonymous posts the log
    mentions, only for the member themselves).
    """
    logged = select(ActionLog.post_id).where(ActionLog.action.in_(MEMBER_VISIBLE_ACTIONS))
    own_anonymous = anonymous_post_ids(user_id, among=logged)
    about = ActionLog.subject_user_id == user_id
    if own_anonymous:
        about = or_(about, ActionLog.post_id.in_(own_anonymous))
    return list(
        db.session.scalars(
            select(ActionLog)
            .where(about, ActionLog.action.in_(MEMBER_VISIBLE_ACTIONS))
            .order_by(ActionLog.id.desc())
            .limit(limit)
        )
    )
