"""Queue health for admins: backlog, oldest unscreened revision, failed jobs, workers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redis.exceptions import RedisError
from rq import Worker
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select

from forum.db import utcnow
from forum.extensions import db, get_jobs
from forum.moderation.models import ReviewItem, Screening
from forum.moderation.queue import TIME_TARGETS

HEARTBEAT_FRESH_SECONDS = 60


@dataclass(frozen=True)
class Health:
    redis_up: bool
    queued_jobs: int | None
    failed_jobs: int | None
    workers: int | None
    last_heartbeat: datetime | None
    unscreened: int
    oldest_unscreened: datetime | None
    failed_screenings: int
    open_by_lane: dict[str, int]
    oldest_by_lane: dict[str, datetime | None]
    overdue_by_lane: dict[str, int]

    @property
    def worker_alive(self) -> bool:
        if self.last_heartbeat is None:
            return False
        return (utcnow() - self.last_heartbeat).total_seconds() < HEARTBEAT_FRESH_SECONDS


def queue_health() -> Health:
    """Figures from the database (always) and from Redis (when it answers)."""
    now = utcnow()
    unscreened, oldest = db.session.execute(
        select(func.count(), func.min(Screening.updated_at)).where(
            Screening.state.in_(["pending", "queued"])
        )
    ).one()
    failed = db.session.scalar(
        select(func.count()).select_from(Screening).where(Screening.state == "failed")
    )
    lanes = db.session.execute(
        select(ReviewItem.lane, func.count(), func.min(ReviewItem.created_at))
        .where(ReviewItem.state == "open").group_by(ReviewItem.lane)
    ).all()  # fmt: skip
    open_by_lane = dict.fromkeys(TIME_TARGETS, 0) | {lane: n for lane, n, _ in lanes}
    oldest_by_lane = dict.fromkeys(TIME_TARGETS) | {lane: first for lane, _, first in lanes}
    overdue = {
        lane: db.session.scalar(
            select(func.count()).select_from(ReviewItem).where(
                ReviewItem.state == "open", ReviewItem.lane == lane,
                ReviewItem.created_at < now - target,
            )
        ) or 0
        for lane, target in TIME_TARGETS.items()
    }  # fmt: skip
    redis = _redis_figures()
    return Health(
        redis_up=redis is not None, queued_jobs=redis and redis[0], failed_jobs=redis and redis[1],
        workers=redis and redis[2], last_heartbeat=redis[3] if redis else None,
        unscreened=unscreened, oldest_unscreened=oldest, failed_screenings=failed or 0,
        open_by_lane=open_by_lane, oldest_by_lane=oldest_by_lane, overdue_by_lane=overdue,
    )  # fmt: skip


def _redis_figures() -> tuple[int, int, int, datetime | None] | None:
    jobs = get_jobs()
    try:
        workers = Worker.all(connection=jobs.redis)
        beats = [w.last_heartbeat for w in workers if w.last_heartbeat]
        last = max(beats) if beats else None
        if last is not None and last.tzinfo is None:
            from datetime import UTC

            last = last.replace(tzinfo=UTC)
        failed = FailedJobRegistry(queue=jobs.queue).count
        return jobs.queue.count, failed, len(workers), last
    except RedisError:
        return None
