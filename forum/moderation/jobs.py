"""Background jobs of the moderation domain. They take only ids, never text or members."""

from __future__ import annotations

from forum.extensions import db
from forum.moderation import pipeline


def screen_revision(revision_id: int) -> str:
    """Screen one post revision (idempotent). Errors propagate so rq retries with backoff.

    "database is locked" on SQLite is such a transient error: the retry succeeds.
    """
    try:
        outcome = pipeline.screen_revision(revision_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome
