"""Screening pipeline: the submit-time pre-check, the background screen job and the sweeper.

The database is the source of truth for "was this revision screened?": a Screening row is
written in the same transaction as the revision, the job is enqueued only after commit,
and the sweeper re-enqueues whatever Redis lost. Jobs take only a revision id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import schedule_board_recount
from forum.db import enqueue_after_commit, utcnow
from forum.extensions import db, get_jobs
from forum.moderation import hours
from forum.moderation.models import Screening
from forum.moderation.queue import add_flag, open_item_for
from forum.moderation.rules import current_ruleset
from forum.moderation.screening import Match, highest_lane
from forum.notifications.services import notify_author
from forum.posts.authorship import author_id_of, owner_tag
from forum.posts.models import Post, PostRevision

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
PENDING_GRACE = timedelta(seconds=30)
QUEUED_TIMEOUT = timedelta(minutes=2)
LOST_GRACE = timedelta(seconds=10)  # a waiting revision whose job Redis does not hold
BURST_WINDOW, BURST_POSTS = timedelta(minutes=10), 6
REPEAT_WINDOW = timedelta(hours=24)
ANONYMOUS_SCAN = 5000  # visible anonymous posts looked at for a new member's count


class PostBlocked(ValueError):
    """A blocking rule refused the text; the message says why, in plain words."""


@dataclass(frozen=True)
class Precheck:
    """What the quick submit-time check found, on the same rules as the screen job."""

    matches: list[Match] = field(default_factory=list)

    @property
    def crisis(self) -> bool:
        return any(m.lane == "crisis" for m in self.matches)

    @property
    def personal_info(self) -> list[Match]:
        return [m for m in self.matches if m.category == "personal_info"]


def precheck_text(text: str, board: Board) -> Precheck:
    """Screen text synchronously at submit time; raise PostBlocked for a blocking rule."""
    matches = current_ruleset().screen(text, board.slug)
    for match in matches:
        if match.action == "block":
            raise PostBlocked(match.message or "This post can't be published on Kindred.")
    return Precheck(matches)


def register_revision(post: Post, revision: PostRevision, board: Board, author: User) -> None:
    """Record the revision as pending screening and apply the board's pre-moderation policy.

    Called in the transaction that writes the revision; the job is enqueued after commit.
    """
    db.session.add(Screening(revision_id=revision.id, post_id=post.id))
    if revision.number == 1 and _board_holds(board, author, post):
        post.hold()
        # A held post must reach the queue even if no rule flags it.
        reason = (
            "held for review: this board pre-moderates every post"
            if board.moderation_mode == "all"
            else "held for review: one of the first posts of a new member"
        )
        add_flag(open_item_for(post), post, source="system", category="policy", lane="amber",
                 reason=reason, rule_key="policy.held", revision_id=revision.id)  # fmt: skip
    schedule_screening(revision.id)


def schedule_screening(revision_id: int) -> None:
    """Enqueue the screen job once the current transaction commits."""
    from forum.moderation.jobs import screen_revision

    enqueue_after_commit(screen_revision, revision_id, job_id=f"screen-{revision_id}")


def enqueue_screening_now(revision_id: int) -> bool:
    """Enqueue the screen job at once (the sweeper's path; its state is already committed)."""
    from forum.moderation.jobs import screen_revision

    return get_jobs().enqueue(screen_revision, revision_id, job_id=f"screen-{revision_id}")


def _board_holds(board: Board, author: User, post: Post) -> bool:
    if board.moderation_mode == "all":
        return True
    if board.moderation_mode != "new-members":
        return False
    # Anonymous posts carry no author id to count: the member's own counter does, and it
    # already includes this post (it is incremented when the post is created).
    if (author.posts_written or 1) - 1 < board.new_member_posts:
        return True
    # Only visible posts count: a new member's held (or hidden) posts do not lift the hold.
    return _visible_posts(author, post, board.new_member_posts) < board.new_member_posts


def _visible_posts(author: User, post: Post, enough: int) -> int:
    """How many of the member's other posts are visible, counted up to `enough`.

    Named posts are counted by author id. Anonymous ones carry none: they are found by
    recomputing owner tags over the latest visible anonymous posts since the member joined
    (at most ANONYMOUS_SCAN of them, so a busy site costs a bounded few milliseconds),
    stopping at `enough`, and only when the named ones fall short. Posts beyond the scan
    do not count, so the error is to hold a post a facilitator then approves, never to let
    a new member's post through.
    """
    others = (Post.id != post.id, Post.state == "visible")
    named = select(func.count()).select_from(Post).where(Post.author_id == author.id, *others)
    found = db.session.scalar(named) or 0
    if found >= enough:
        return found
    rows = db.session.execute(
        select(Post.thread_id, Post.owner_tag)
        .where(Post.owner_tag.is_not(None), Post.created_at >= author.created_at, *others)
        .order_by(Post.id.desc())
        .limit(ANONYMOUS_SCAN)
        .execution_options(yield_per=2000)
    )
    try:
        for thread_id, tag in rows:
            found += tag == owner_tag(author.id, thread_id)
            if found >= enough:
                break
    finally:
        rows.close()
    return found


def screen_revision(revision_id: int) -> str:
    """Screen one revision: add flags, raise its review item, hold if rules say so.

    Safe to run twice: a done revision is skipped, flags are unique per revision and rule,
    and a stale revision (the post was edited since) is marked done without screening.
    """
    screening = db.session.get(Screening, revision_id)
    if screening is None or screening.state in {"done", "failed"}:
        return "skipped"
    screening.attempts += 1
    db.session.commit()  # count the attempt even if this process dies mid-job
    revision = db.session.get(PostRevision, revision_id)
    post = db.session.get(Post, screening.post_id)
    if revision is None or post is None or post.revision != revision.number:
        screening.mark_done()
        return "stale"
    matches = _collapse(_matches_for(post, revision))
    if matches:
        _record(post, revision, matches)
    screening.mark_done()
    return highest_lane(matches)


def _matches_for(post: Post, revision: PostRevision) -> list[Match]:
    board = post.thread.board
    text = "\n\n".join(filter(None, [revision.title, revision.body_source]))
    return current_ruleset().screen(text, board.slug) + _context_matches(post, revision)


def _collapse(matches: list[Match]) -> list[Match]:
    """One flag per distinct finding: drop a match whose words sit inside another's.

    Several rules often match overlapping words ("end my life", "want to end my life
    tonight"); facilitators need the finding once, in its longest form.
    """
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: -len(m.matched)):
        words = match.matched.lower()
        if any(
            (k.category, k.lane, k.action) == (match.category, match.lane, match.action)
            and words
            and words in k.matched.lower()
            for k in kept
        ):
            continue
        kept.append(match)
    return kept


def _context_matches(post: Post, revision: PostRevision) -> list[Match]:
    """Flags that need the member's history: first posts, bursts, repeated text."""
    author_id = author_id_of(post)
    if author_id is None or revision.number != 1:
        return []
    found: list[Match] = []
    written = db.session.scalar(select(User.posts_written).where(User.id == author_id))
    if (written or 0) <= 1:
        found.append(_context("context.first-post", "new_member", "green",
                              "new member: first post on Kindred"))  # fmt: skip
    # Bursts and repeats count only posts of the same identity: a flag on an anonymous post
    # that counted the member's named posts (or the reverse) would tie the two together.
    since = post.created_at - BURST_WINDOW
    if _count_same_identity(post, author_id, Post.created_at >= since) >= BURST_POSTS:
        found.append(_context("context.burst", "spam", "amber",
                              f"spam: {BURST_POSTS} or more posts within 10 minutes"))  # fmt: skip
    repeated = _count_same_identity(
        post, author_id, Post.id != post.id, Post.body_source == revision.body_source,
        Post.created_at >= post.created_at - REPEAT_WINDOW,
    )  # fmt: skip
    if repeated:
        found.append(_context("context.repeat", "spam", "amber",
                              "spam: the same text was posted again"))  # fmt: skip
    return found


def _count_same_identity(post: Post, author_id: int, *where: Any) -> int:
    """How many posts matching `where` the author wrote under the post's identity.

    Named: by author id. Anonymous: the anonymous posts matching `where` (a window, so a
    few rows) whose owner tag is the author's in their thread.
    """
    if not post.is_anonymous:
        query = select(func.count()).select_from(Post).where(Post.author_id == author_id, *where)
        return db.session.scalar(query) or 0
    rows = db.session.execute(
        select(Post.thread_id, Post.owner_tag).where(Post.owner_tag.is_not(None), *where)
    )
    return sum(1 for thread_id, tag in rows if tag == owner_tag(author_id, thread_id))


def _context(key: str, category: str, lane: str, reason: str) -> Match:
    return Match(rule_key=key, category=category, lane=lane, action="flag", matched="",
                 reason=reason)  # fmt: skip


def _record(post: Post, revision: PostRevision, matches: list[Match]) -> None:
    item = open_item_for(post)
    for match in matches:
        add_flag(item, post, source="screening", category=match.category, lane=match.lane,
                 reason=match.reason, rule_key=match.rule_key, revision_id=revision.id)  # fmt: skip
    lane = highest_lane(matches)
    out_of_hours = hours.is_out_of_hours(hours.current_hours())
    must_hold = any(m.action == "hold" for m in matches) or (lane == "red" and out_of_hours)
    if must_hold and post.state == "visible":
        post.hold()
        schedule_board_recount(post.thread.board_id)  # the counters must drop the held post
        notify_author(post, "post_held",
                      "Your post is waiting for a facilitator before others can see it. "
                      "You can still see it, and nothing you wrote is lost.",
                      f"/p/{post.id}")  # fmt: skip


WAITING = ("pending", "queued")
_COLUMNS = (Screening.revision_id, Screening.post_id, Screening.attempts, Screening.updated_at)


@dataclass(frozen=True)
class SweepReport:
    requeued: int
    failed: int


@dataclass(frozen=True)
class _Waiting:
    """A waiting revision's row as the sweep read it; claims compare against these values."""

    revision_id: int
    post_id: int
    attempts: int
    updated_at: datetime


def sweep(
    now: datetime | None = None,
    limit: int = 500,
    outage: tuple[datetime, datetime] | None = None,
) -> SweepReport:
    """Re-enqueue revisions Redis lost, oldest first; give up after MAX_ATTEMPTS. Needs no Redis.

    `outage` (Redis last seen down, first seen back) waives the lost grace once Redis is back:
    a revision still pending from before it answered again, whose job Redis lacks, was lost
    however young. A queued one counts only if claimed before Redis was last seen down: a
    younger claim is another sweeper's, enqueueing it now. Claims commit before anything is
    enqueued, so two sweepers never enqueue the same revision twice.
    """
    now = now or utcnow()
    stuck = (
        select(*_COLUMNS)
        .where(
            ((Screening.state == "pending") & (Screening.updated_at < now - PENDING_GRACE))
            | ((Screening.state == "queued") & (Screening.updated_at < now - QUEUED_TIMEOUT))
        )
        .order_by(Screening.updated_at)
        .limit(limit)
    )
    found = {row.revision_id: _Waiting(*row) for row in db.session.execute(stuck)}
    grace_ends = now - LOST_GRACE
    pending_before, queued_before = (
        (outage[1], max(outage[0], grace_ends)) if outage else (grace_ends, grace_ends)
    )
    for waiting in _lost(now, limit, pending_before, queued_before):
        found.setdefault(waiting.revision_id, waiting)
    ordered = sorted(found.values(), key=lambda waiting: waiting.updated_at)
    spent = [waiting for waiting in ordered if waiting.attempts >= MAX_ATTEMPTS]
    failed_at = utcnow()
    failed = _claim(spent, state="failed", updated_at=failed_at, finished_at=failed_at)
    for waiting in failed:
        _give_up(waiting)
    requeue = _claim([w for w in ordered if w.attempts < MAX_ATTEMPTS], state="queued",
                     updated_at=now)  # fmt: skip
    db.session.commit()
    for waiting in requeue:
        enqueue_screening_now(waiting.revision_id)
    return SweepReport(len(requeue), len(failed))


def _lost(
    now: datetime, limit: int, pending_before: datetime, queued_before: datetime
) -> list[_Waiting]:
    """Revisions waiting since before these moments whose job Redis does not hold.

    Their enqueue failed (Redis was down) or Redis restarted without its data: re-enqueue
    them at once rather than after the pending grace or the queued timeout.
    """
    rows = db.session.execute(
        select(*_COLUMNS)
        .where(
            ((Screening.state == "pending") & (Screening.updated_at < pending_before))
            | ((Screening.state == "queued") & (Screening.updated_at < queued_before)),
            Screening.updated_at >= now - QUEUED_TIMEOUT,  # older ones are swept anyway
        )
        .order_by(Screening.updated_at)
        .limit(limit)
    ).all()
    if not rows:
        return []
    missing = get_jobs().missing([f"screen-{row.revision_id}" for row in rows])
    return [_Waiting(*row) for row in rows if missing and f"screen-{row.revision_id}" in missing]


def _claim(found: list[_Waiting], **values: Any) -> list[_Waiting]:
    """Compare-and-set on state and updated_at as the sweep read them: one sweeper wins each.

    The values must come from the sweep's own query, never from ORM objects that a commit
    expires: compared with a freshly loaded updated_at, a revision a job had just finished,
    or another sweeper had just claimed, would be claimed again.
    """
    won = []
    for waiting in found:
        result = db.session.execute(
            update(Screening)
            .where(
                Screening.revision_id == waiting.revision_id,
                Screening.state.in_(WAITING),
                Screening.updated_at == waiting.updated_at,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            won.append(waiting)
    return won


def _give_up(waiting: _Waiting) -> None:
    """Never silent: a revision that cannot be screened goes to the queue for a human."""
    post = db.session.get(Post, waiting.post_id)
    if post is None:
        return
    item = open_item_for(post)
    item.needs_manual = True
    add_flag(item, post, source="system", category="system", lane="red",
             reason=f"needs manual review: automatic screening failed {waiting.attempts} times",
             rule_key="system.screening-failed", revision_id=waiting.revision_id)  # fmt: skip
    log.warning("screening of revision %s failed %s times", waiting.revision_id,
                waiting.attempts)  # fmt: skip
