"""The small demo: a dozen members, threads and replies on the demo boards, anonymous posts,
and a few posts flagged by the real screening pipeline and a member's report.

Content is written through the services (so aliases, revisions, screening rows and events
are the product's own), then spread over the last ten days. A marker setting makes it
idempotent: a second run changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from forum.accounts.models import User
from forum.accounts.pseudonyms import normalise_pseudonym
from forum.accounts.services import hash_password
from forum.boards.models import Board
from forum.boards.services import DEMO_BOARDS, create_board, get_board
from forum.db import utcnow
from forum.demo import texts
from forum.extensions import db
from forum.moderation import pipeline, reports
from forum.moderation.models import Screening
from forum.pages.models import SiteSetting
from forum.posts import services as posts
from forum.posts.models import Post, PostRevision, Thread

MARKER = "demo_content"


class DemoRefused(ValueError):
    """The demo content cannot be added (for example, a demo pseudonym is taken)."""


@dataclass
class SmallReport:
    """What the small demo added; `password` is every demo member's, shown once."""

    members: int = 0
    threads: int = 0
    replies: int = 0
    anonymous: int = 0
    password: str = ""
    flagged_revisions: list[int] = field(default_factory=list)


def small_demo_exists() -> bool:
    """True once the small demo content was added."""
    return db.session.get(SiteSetting, MARKER) is not None


def seed_small(now: datetime | None = None) -> SmallReport | None:
    """Add the small demo content, or return None if it is there already.

    The flagged posts are left pending screening: call `screen_flagged` after committing.
    """
    if small_demo_exists():
        return None
    now = now or utcnow()
    boards = _demo_boards()
    report = SmallReport(password="-".join(secrets.token_hex(3) for _ in range(3)))
    members = _members(report.password)
    report.members = len(members)
    threads: dict[str, Thread] = {}
    written: list[Post] = []
    for slug, title, author, anonymous, body, replies in texts.THREADS:
        thread = posts.create_thread(boards[slug], members[author], title, body,
                                     anonymous=anonymous)  # fmt: skip
        threads[title] = thread
        written.append(thread.first_post)
        for name, reply, anon in replies:
            written.append(posts.create_reply(thread, members[name], reply, anonymous=anon))
    flagged = [
        posts.create_reply(threads[title], members[name], text, anonymous=anon)
        for _, title, name, text, anon in texts.FLAGGED
    ]
    _spread_over_days(threads.values(), now)
    _mark_screened([p.id for p in written])
    report.flagged_revisions = _revision_ids([p.id for p in flagged])
    title, number, reporter = texts.REPORTED
    reported = db.session.scalar(
        select(Post).where(Post.thread_id == threads[title].id, Post.number == number)
    )
    reports.report_post(reported, members[reporter], "spam", "an advert for paid coaching")
    for board in boards.values():
        posts.recount_board(board.id)
    db.session.add(SiteSetting(key=MARKER, value="small"))
    db.session.flush()
    everything = written + flagged
    report.threads = len(threads)
    report.replies = len(everything) - len(threads)
    report.anonymous = sum(p.is_anonymous for p in everything)
    return report


def screen_flagged(revision_ids: list[int]) -> None:
    """Screen the flagged demo posts now, through the pipeline (which commits as it goes)."""
    for revision_id in revision_ids:
        pipeline.screen_revision(revision_id)


def _demo_boards() -> dict[str, Board]:
    """The demo boards by slug, creating any that are missing."""
    boards = {}
    for fields in DEMO_BOARDS:
        boards[fields["slug"]] = get_board(fields["slug"]) or create_board(**fields)
    return boards


def _members(password: str) -> dict[str, User]:
    """The demo members, all with the same password (hashed once)."""
    password_hash = hash_password(password)
    members = {}
    for name in texts.MEMBERS:
        display, key = normalise_pseudonym(name)
        if db.session.scalar(select(User.id).where(User.pseudonym_key == key)):
            raise DemoRefused(f"The pseudonym {display} is taken; the demo needs it.")
        member = User(pseudonym=display, pseudonym_key=key, password_hash=password_hash,
                      guidelines_accepted_at=utcnow())  # fmt: skip
        db.session.add(member)
        members[name] = member
    db.session.flush()
    return members


def _spread_over_days(threads: Iterable[Thread], now: datetime) -> None:
    """Date the threads a day or so apart over the last ten days, replies hours apart."""
    for index, thread in enumerate(threads):
        moment = now - timedelta(days=10 - index, hours=(index * 5) % 11)
        rows = db.session.scalars(
            select(Post).where(Post.thread_id == thread.id).order_by(Post.number)
        ).all()
        for post in rows:
            post.created_at = min(moment, now - timedelta(minutes=5))
            db.session.execute(
                update(PostRevision)
                .where(PostRevision.post_id == post.id)
                .values(created_at=post.created_at)
            )
            moment += timedelta(minutes=47 + 97 * (post.number % 4))
        thread.created_at = rows[0].created_at
        thread.last_post_at = rows[-1].created_at
    db.session.flush()


def _mark_screened(post_ids: list[int]) -> None:
    """The ordinary demo posts need no screening: their words are ours, and screening them
    would flag every member's first post. Their jobs will find them done and skip."""
    finished = utcnow()
    db.session.execute(
        update(Screening)
        .where(Screening.post_id.in_(post_ids))
        .values(state="done", finished_at=finished, updated_at=finished)
        .execution_options(synchronize_session=False)
    )


def _revision_ids(post_ids: list[int]) -> list[int]:
    query = select(PostRevision.id).where(PostRevision.post_id.in_(post_ids))
    return list(db.session.scalars(query.order_by(PostRevision.id)))
