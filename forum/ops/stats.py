"""Site figures for admins: members, posts per day, the review queue and screening backlog."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.health import queue_health
from forum.posts.models import Post, Thread


def site_stats(days: int = 14, now: datetime | None = None) -> dict[str, Any]:
    """The figures `flask forum stats` prints; a handful of aggregate queries.

    Ages are in minutes. Queue figures come from the database; job and worker figures
    from Redis, and are None when it does not answer.
    """
    now = now or utcnow()
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    health = queue_health()
    return {
        "generated_at": now,
        "members": _members(now),
        "boards": db.session.scalar(
            select(func.count()).select_from(Board).where(Board.archived_at.is_(None))
        ),
        "threads": db.session.scalar(select(func.count()).select_from(Thread)),
        "posts": db.session.scalar(select(func.count()).select_from(Post)),
        "posts_per_day": _posts_per_day(since, days),
        "queue": {
            lane: {
                "open": health.open_by_lane[lane],
                "oldest_age_minutes": _age(now, health.oldest_by_lane[lane]),
                "overdue": health.overdue_by_lane[lane],
            }
            for lane in health.open_by_lane
        },
        "screening": {
            "backlog": health.unscreened,
            "oldest_age_minutes": _age(now, health.oldest_unscreened),
            "failed": health.failed_screenings,
        },
        "jobs": {
            "redis_up": health.redis_up,
            "queued": health.queued_jobs,
            "failed": health.failed_jobs,
            "workers": health.workers,
            "worker_alive": health.worker_alive,
        },
    }


def _members(now: datetime) -> dict[str, int]:
    count = select(func.count()).select_from(User)
    return {
        "total": db.session.scalar(count) or 0,
        "joined_last_7_days": db.session.scalar(
            count.where(User.created_at >= now - timedelta(days=7))
        )
        or 0,
        "admins": db.session.scalar(count.where(User.is_admin.is_(True))) or 0,
        "muted": db.session.scalar(count.where(User.muted_until > now)) or 0,
        "suspended": db.session.scalar(count.where(User.suspended_until > now)) or 0,
    }


def _posts_per_day(since: datetime, days: int) -> list[dict[str, Any]]:
    """Posts written on each of the last `days` UTC days, oldest first, zeros included."""
    day = func.date(Post.created_at)  # a string on SQLite, a date on PostgreSQL
    rows = db.session.execute(
        select(day, func.count()).where(Post.created_at >= since).group_by(day)
    ).all()
    counts = {str(when): count for when, count in rows}
    dates = [(since + timedelta(days=n)).date().isoformat() for n in range(days)]
    return [{"day": date, "posts": counts.get(date, 0)} for date in dates]


def _age(now: datetime, moment: datetime | None) -> int | None:
    return None if moment is None else int((now - moment).total_seconds() // 60)
