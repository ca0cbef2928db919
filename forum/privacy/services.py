"""Member data rights: confirming the password, changing the pseudonym, taking a break and
deleting the account (keeping the posts anonymised, or deleting them).

Services add and flush; the request or CLI command that calls them commits. The export is
in `forum.privacy.export` and content retention in `forum.privacy.retention`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import User
from forum.accounts.pseudonyms import PseudonymInvalid, normalise_pseudonym
from forum.accounts.services import PseudonymTaken, WrongPassword, confirm_password
from forum.boards.services import schedule_board_recount
from forum.db import utcnow
from forum.extensions import db
from forum.library.services import forget_author
from forum.moderation.models import Flag, ReviewItem
from forum.posts import authorship
from forum.posts.anonymity import member_reference
from forum.posts.models import Post, PostRevision, Thread
from forum.security.sanitize import render_markdown

__all__ = [
    "BreakInvalid",
    "PseudonymChangeTooSoon",
    "PseudonymInvalid",
    "PseudonymTaken",
    "WrongPassword",
    "confirm_password",
]

PSEUDONYM_CHANGE_INTERVAL = timedelta(days=30)
BREAK_PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}
MAX_BREAK = timedelta(days=366)
# What replaces the opening post (and title) of a thread whose author deleted their posts
# while others had replied in it.
DELETED_TEXT = "[deleted by its author]"
# What replaces quoted post text in a flag's reason once the post's text is gone.
PURGED_QUOTE = '"[purged]"'


class PseudonymChangeTooSoon(ValueError):
    """The pseudonym was changed less than 30 days ago; `next_at` says when it can be."""

    def __init__(self, next_at: datetime) -> None:
        super().__init__(
            "You can change your pseudonym once every 30 days. Your next change is possible "
            f"on {format_day(next_at)}."
        )
        self.next_at = next_at


class BreakInvalid(ValueError):
    """The break's length or end date is not possible; the message says why."""


def format_day(moment: datetime) -> str:
    """A date in words, such as "5 March 2027" (UTC)."""
    return f"{moment.astimezone(UTC):%-d %B %Y}"


# Pseudonym changes


def next_pseudonym_change_at(user: User, now: datetime | None = None) -> datetime | None:
    """When the member may next change their pseudonym, or None if they may now."""
    if user.pseudonym_changed_at is None:
        return None
    next_at = user.pseudonym_changed_at + PSEUDONYM_CHANGE_INTERVAL
    return next_at if next_at > (now or utcnow()) else None


def change_pseudonym(user: User, new: str, password: str) -> str:
    """Give the member a new pseudonym (at most once every 30 days) and return it.

    The sign-up rules apply (shape, reserved names, unique ignoring case and width).
    Posts show the new name at once: they name their author through the account, never
    by a copy of the pseudonym. The old pseudonym becomes free for others to take.
    Raises PseudonymChangeTooSoon, WrongPassword, PseudonymInvalid or PseudonymTaken.
    """
    next_at = next_pseudonym_change_at(user)
    if next_at is not None:
        raise PseudonymChangeTooSoon(next_at)
    confirm_password(user, password)
    display, key = normalise_pseudonym(new)
    if display == user.pseudonym:
        raise PseudonymInvalid("That is already your pseudonym.")
    taken = select(User.id).where(User.pseudonym_key == key, User.id != user.id)
    if db.session.scalar(taken) is not None:
        raise PseudonymTaken("That pseudonym is taken. Please choose another.")
    try:
        with db.session.begin_nested():  # a concurrent sign-up may win the unique key
            user.pseudonym, user.pseudonym_key = display, key
            user.pseudonym_changed_at = utcnow()
    except IntegrityError:
        raise PseudonymTaken("That pseudonym is taken. Please choose another.") from None
    return display


# Taking a break


def break_end(period: str, until: date | None = None, now: datetime | None = None) -> datetime:
    """When a break chosen as `period` ("day", "week", "month" or "date") ends.

    A break "until a date" ends as that day begins (00:00 UTC); the day must be after
    today and at most a year away. Raises BreakInvalid.
    """
    now = now or utcnow()
    if period in BREAK_PERIODS:
        return now + BREAK_PERIODS[period]
    if period != "date":
        raise BreakInvalid("Please choose how long your break lasts.")
    if until is None:
        raise BreakInvalid("Please choose the date your break ends.")
    end = datetime.combine(until, time.min, tzinfo=UTC)
    if end <= now:
        raise BreakInvalid("Please choose a date after today.")
    if end > now + MAX_BREAK:
        raise BreakInvalid("A break can last up to a year. Please choose an earlier date.")
    return end


def start_break(user: User, period: str, until: date | None = None) -> datetime:
    """Start (or change) a break and return when it ends. See `break_end`.

    During a break the header shows no notification count (notifications are still
    recorded, unread, for when the member is back) and the member's profile shows no
    recent activity to others.
    """
    user.break_until = break_end(period, until)
    db.session.flush()
    return user.break_until


def end_break(user: User) -> None:
    """End the member's break now (doing nothing if they are not on one)."""
    user.break_until = None
    db.session.flush()


# Deleting the account


def delete_member(user: User, password: str, *, keep_posts: bool) -> None:
    """Delete the account at once, after checking the password.

    Login sessions, recovery codes, notifications, reactions, sanctions and facilitator
    roles go with the account (ON DELETE CASCADE); every other link to the member is cut
    by the foreign keys' ON DELETE SET NULL: authorship of kept posts and threads, reports
    they made, review items and action-log rows about them, claims and decisions of theirs.
    Kept anonymous posts and threads lose their owner tag and sealed author, and review
    items of them their member reference. With `keep_posts` the posts stay, shown as by
    "a former member"; otherwise see `remove_posts_of`. Raises WrongPassword.
    """
    confirm_password(user, password)
    erase_member(user, keep_posts=keep_posts)


def erase_member(user: User, *, keep_posts: bool) -> None:
    """Delete the account as `delete_member` does, without asking for the password.

    For an admin acting on a member's request (`flask forum user delete`).
    """
    mine = MemberPosts.of(user.id)
    # What helped consents are the person's, not the posts'.
    forget_author(user.id)
    if not keep_posts:
        remove_posts_of(user.id, mine)
    _forget_anonymous(user.id, mine)
    db.session.delete(user)
    db.session.flush()


@dataclass(frozen=True)
class MemberPosts:
    """The member's posts and the threads they opened, named or anonymous, as SQL filters.

    Anonymous ones carry no author id: they are found once by their owner tags and then
    named by id (inlined in the SQL, so their number never meets a bind-parameter limit).
    """

    user_id: int
    anonymous_posts: tuple[int, ...]
    anonymous_threads: tuple[int, ...]

    @classmethod
    def of(cls, user_id: int) -> MemberPosts:
        """Find the member's anonymous posts and threads (two scans)."""
        return cls(user_id, tuple(authorship.anonymous_post_ids(user_id)),
                   tuple(authorship.anonymous_threads_started(user_id)))  # fmt: skip

    def posts(self) -> ColumnElement[bool]:
        """Whether a post is the member's."""
        return or_(Post.author_id == self.user_id, id_in(Post.id, self.anonymous_posts))

    def others(self) -> ColumnElement[bool]:
        """Whether a post is someone else's (a former member's included)."""
        return and_(Post.author_id.is_distinct_from(self.user_id),
                    ~id_in(Post.id, self.anonymous_posts))  # fmt: skip

    def threads(self) -> ColumnElement[bool]:
        """Whether the member opened a thread."""
        return or_(Thread.author_id == self.user_id, id_in(Thread.id, self.anonymous_threads))

    def post_ids(self) -> Select[Any]:
        """The ids of the member's posts."""
        return select(Post.id).where(self.posts())


def id_in(column: Any, ids: tuple[int, ...]) -> ColumnElement[bool]:
    """`column IN ids`, the ids written into the statement (integers only, never input)."""
    return column.in_(bindparam(f"ids_{column.table.name}", list(ids), unique=True,
                                expanding=True, literal_execute=True))  # fmt: skip


def _forget_anonymous(user_id: int, mine: MemberPosts) -> None:
    """Cut what is left of the member's anonymous posts and threads from them.

    What `authorship.forget_author` does to one post, in bulk: no owner tag, no sealed
    author. Review items of their anonymous posts lose the member reference too, as
    named posts' items lose their author id.
    """
    execute_bulk(update(Post).where(id_in(Post.id, mine.anonymous_posts))
                 .values(owner_tag=None, sealed_author=None))  # fmt: skip
    execute_bulk(update(Thread).where(id_in(Thread.id, mine.anonymous_threads))
                 .values(owner_tag=None))  # fmt: skip
    execute_bulk(update(ReviewItem).where(ReviewItem.member_ref == member_reference(user_id))
                 .values(member_ref=None))  # fmt: skip


def remove_posts_of(user_id: int, mine: MemberPosts | None = None) -> None:
    """Remove every post of the member, anonymous ones included, in a few bulk statements.

    - A thread they started in which nobody else posted is deleted with all its posts.
    - A thread they started in which others posted keeps the others' posts: its title and
      opening post read "[deleted by its author]" and the opening post's revisions are
      dropped. The row stays so that the thread and its numbering survive.
    - Their replies are deleted. Numbers are never reused, so later posts keep theirs.
    - Moderation copies of their words (review-item snapshots, quotes in flag reasons)
      are blanked; the items and flags themselves stay as the record of what was done.
    Threads' last activity and the boards' counters are recomputed. An anonymous opening
    post left in place keeps its owner tag until `erase_member` forgets it.
    """
    mine = mine or MemberPosts.of(user_id)
    board_ids = _boards_with_posts_of(mine)
    blank_moderation_copies(mine.post_ids())
    started = select(Thread.id).where(mine.threads())
    execute_bulk(
        update(ReviewItem).where(ReviewItem.thread_id.in_(started)).values(snapshot_title="")
    )
    others_posted = exists().where(Post.thread_id == Thread.id, mine.others())
    execute_bulk(delete(Thread).where(mine.threads(), ~others_posted))
    _blank_openings(mine)
    execute_bulk(delete(Post).where(mine.posts(), Post.number != 1))
    _refresh_last_activity(board_ids)
    for board_id in board_ids:
        schedule_board_recount(board_id)


def _boards_with_posts_of(mine: MemberPosts) -> list[int]:
    """The boards holding a post of the member (their counters will change)."""
    threads = select(Post.thread_id).where(mine.posts())
    query = select(Thread.board_id).where(Thread.id.in_(threads)).distinct()
    return list(db.session.scalars(query))


def _blank_openings(mine: MemberPosts) -> None:
    """The member's opening posts left (others replied): placeholder text, no revisions."""
    openings = select(Post.id).where(mine.posts(), Post.number == 1)
    execute_bulk(delete(PostRevision).where(PostRevision.post_id.in_(openings)))
    execute_bulk(
        update(Post)
        .where(mine.posts(), Post.number == 1)
        .values(
            body_source=DELETED_TEXT,
            body_html=_deleted_html(),
            content_warning=None,
            content_warning_keys=None,
        )
    )
    execute_bulk(update(Thread).where(mine.threads()).values(title=DELETED_TEXT))


def _refresh_last_activity(board_ids: list[int]) -> None:
    """Threads whose latest post was removed take the time of the latest one left."""
    if not board_ids:
        return
    latest = select(func.max(Post.created_at)).where(Post.thread_id == Thread.id)
    latest_at = latest.scalar_subquery()
    execute_bulk(
        update(Thread)
        .where(Thread.board_id.in_(board_ids), Thread.last_post_at > latest_at)
        .values(last_post_at=latest_at)
    )


@cache
def _deleted_html() -> str:
    return render_markdown(DELETED_TEXT)


# Moderation copies of a post's text


def blank_moderation_copies(post_ids: Select[Any]) -> tuple[int, int]:
    """Blank the snapshots of review items and the quotes in flag reasons of these posts.

    The rows stay: who acted, when and why is kept; only the copied words go.
    Returns (review items changed, flags changed).
    """
    items = execute_bulk(
        update(ReviewItem)
        .where(ReviewItem.post_id.in_(post_ids), ReviewItem.snapshot_text != "")
        .values(snapshot_text="")
    )
    rows = db.session.execute(
        select(Flag.id, Flag.reason).where(Flag.post_id.in_(post_ids), Flag.reason.contains('"'))
    ).all()
    changes = [
        {"id": flag_id, "reason": blanked}
        for flag_id, reason in rows
        if (blanked := strip_quotes(reason)) != reason
    ]
    if changes:
        db.session.execute(update(Flag), changes)
    return items, len(changes)


def strip_quotes(reason: str) -> str:
    """Replace the quoted part of a flag reason ('self-harm: "words" (crisis)') by a marker.

    Everything from the first double quote to the last goes, so matched words and
    reporters' notes are both covered, even when a reason was cut short mid-quote.
    """
    first = reason.find('"')
    if first < 0:
        return reason
    last = reason.rfind('"')
    tail = reason[last + 1 :] if last > first else ""
    return f"{reason[:first]}{PURGED_QUOTE}{tail}"


def execute_bulk(statement: Any) -> int:
    """Run a bulk UPDATE or DELETE without syncing the session; return the rows it matched.

    Callers commit straight after, which expires whatever the session had loaded.
    """
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0  # type: ignore[attr-defined]
