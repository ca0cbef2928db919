"""Re-screening existing posts (after the rules change): their current revisions go through
the screening pipeline again, in batches, so a million posts never sit in one transaction.

Flags stay unique per revision and rule, so re-screening with unchanged rules adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, insert, or_, select, update

from forum.boards.models import Board
from forum.db import utcnow
from forum.extensions import db
from forum.moderation import pipeline
from forum.moderation.models import Flag, Screening
from forum.posts.models import Post, PostRevision, Thread


@dataclass
class RescanReport:
    """What a rescan did: revisions marked for screening, screened now, new flags."""

    revisions: int = 0
    screened: int = 0
    new_flags: int = 0

    def add(self, other: RescanReport) -> None:
        self.revisions += other.revisions
        self.screened += other.screened
        self.new_flags += other.new_flags


def _targets(board: Board | None, since: datetime | None) -> Select[tuple[int, int]]:
    """(revision id, post id) of the current revision of every post with text to screen."""
    query = (
        select(PostRevision.id, Post.id)
        .join(Post, (PostRevision.post_id == Post.id) & (PostRevision.number == Post.revision))
        .where(Post.withdrawn_at.is_(None), Post.body_source != "")
    )
    if board is not None:
        query = query.join(Thread, Post.thread_id == Thread.id).where(Thread.board_id == board.id)
    if since is not None:
        query = query.where(or_(Post.created_at >= since, Post.edited_at >= since))
    return query


def count_rescan(board: Board | None = None, since: datetime | None = None) -> int:
    """How many revisions a rescan with these filters would screen again."""
    return db.session.scalar(select(func.count()).select_from(_targets(board, since).subquery()))


def rescan_batches(
    board: Board | None = None, since: datetime | None = None, size: int = 500
) -> Iterator[list[tuple[int, int]]]:
    """The targets in batches of `size`, oldest first, by keyset (safe across commits)."""
    after = 0
    while True:
        query = _targets(board, since).where(PostRevision.id > after)
        rows = db.session.execute(query.order_by(PostRevision.id).limit(size))
        batch = [(revision_id, post_id) for revision_id, post_id in rows]
        if not batch:
            return
        yield batch
        after = batch[-1][0]


def rescan_batch(targets: list[tuple[int, int]], *, now: bool = False) -> RescanReport:
    """Mark the revisions pending screening again, then screen them at once (`now`) or
    enqueue their screen jobs after commit (the sweeper catches what Redis loses).

    Screening at once commits as `pipeline.screen_revision` does, once per revision.
    """
    ids = [revision_id for revision_id, _ in targets]
    _reset_screenings(targets)
    report = RescanReport(revisions=len(ids))
    if not now:
        for revision_id in ids:
            pipeline.schedule_screening(revision_id)
        return report
    before = _flag_count(ids)
    for revision_id in ids:
        pipeline.screen_revision(revision_id)
        report.screened += 1
    db.session.flush()
    report.new_flags = _flag_count(ids) - before
    return report


def _reset_screenings(targets: list[tuple[int, int]]) -> None:
    ids = [revision_id for revision_id, _ in targets]
    moment = utcnow()
    db.session.execute(
        update(Screening)
        .where(Screening.revision_id.in_(ids))
        .values(state="pending", attempts=0, updated_at=moment, finished_at=None)
        .execution_options(synchronize_session="fetch")
    )
    known = set(
        db.session.scalars(select(Screening.revision_id).where(Screening.revision_id.in_(ids)))
    )
    missing = [
        {"revision_id": r, "post_id": p, "state": "pending", "attempts": 0, "updated_at": moment}
        for r, p in targets
        if r not in known
    ]
    if missing:
        db.session.execute(insert(Screening), missing)


def _flag_count(revision_ids: list[int]) -> int:
    query = select(func.count()).select_from(Flag).where(Flag.revision_id.in_(revision_ids))
    return db.session.scalar(query) or 0
