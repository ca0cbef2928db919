"""The review queue: items and flags, who may see them, lanes, claims and conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.boards.models import Board
from forum.boards.services import facilitated_board_ids
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.members import member_for_reference
from forum.moderation.models import LANE_RANK, Flag, ReviewItem
from forum.posts.anonymity import member_reference
from forum.posts.authorship import author_id_of, wrote
from forum.posts.models import Post, PostRevision, Thread

TIME_TARGETS = {
    "crisis": timedelta(minutes=15),
    "red": timedelta(hours=1),
    "amber": timedelta(hours=8),
    "green": timedelta(hours=24),
}
CLAIM_LIFETIME = timedelta(minutes=15)
STALE_PAGE = (
    "Another facilitator acted on this item while you were looking at it. "
    "Here is what it looks like now; nothing of yours was applied."
)


class NotAllowed(Exception):
    """The member does not facilitate this item's board."""


class ReviewConflict(Exception):
    """Someone else acted on the item first; the message says what to do."""


def open_item_for(post: Post) -> ReviewItem:
    """The post's open review item, created (with a snapshot) if there is none."""
    query = select(ReviewItem).where(ReviewItem.post_id == post.id, ReviewItem.state == "open")
    item = db.session.scalar(query)
    if item is not None:
        return item
    item = ReviewItem(
        post_id=post.id, board_id=post.thread.board_id, thread_id=post.thread_id,
        author_id=None if post.is_anonymous else post.author_id,
        member_ref=_member_ref_of(post), snapshot_title=post.thread.title,
        snapshot_text=post.body_source,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:  # a concurrent job opened it first
        return db.session.scalars(query).one()
    return item


def _member_ref_of(post: Post) -> str | None:
    """The opaque member reference for an anonymous post's item (None for named posts)."""
    if not post.is_anonymous:
        return None
    author_id = author_id_of(post)
    return member_reference(author_id) if author_id is not None else None


def add_flag(
    item: ReviewItem, post: Post, *, source: str, category: str, lane: str, reason: str,
    rule_key: str | None = None, revision_id: int | None = None, reporter_id: int | None = None,
) -> Flag | None:  # fmt: skip
    """Attach a flag to the item (None if the same flag exists) and raise the item's lane."""
    flag = Flag(
        review_item_id=item.id, post_id=post.id, revision_id=revision_id, source=source,
        category=category, lane=lane, rule_key=rule_key, reason=reason[:300],
        reporter_id=reporter_id,
    )  # fmt: skip
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        return None
    item.raise_lane(lane)
    item.snapshot_text = post.body_source
    return flag


def reviewable_board_ids(user: Any) -> list[int] | None:
    """The boards whose items the member may see; None means every board (admins).

    The facilitated boards, asked once per request (see `facilitated_board_ids`).
    """
    boards = facilitated_board_ids(user)
    return None if boards is None else sorted(boards)


def is_reviewer(user: Any) -> bool:
    """True for admins and anyone who facilitates at least one board."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or bool(reviewable_board_ids(user))


_EVERY_BOARD = object()


def _scoped(query: Any, user: Any, boards: Any = _EVERY_BOARD) -> Any:
    """Limit a query to the member's boards (`boards` when the caller already knows them)."""
    if boards is _EVERY_BOARD:
        boards = reviewable_board_ids(user)
    return query if boards is None else query.where(ReviewItem.board_id.in_(boards))


def list_queue(
    user: Any, *, lane: str | None = None, board_id: int | None = None,
    category: str | None = None, escalated: bool = False, limit: int = 200,
) -> list[ReviewItem]:  # fmt: skip
    """Open items the member may act on: crisis first, then red, amber, green; oldest first."""
    query = _scoped(select(ReviewItem).where(ReviewItem.state == "open"), user)
    if lane in LANE_RANK:
        query = query.where(ReviewItem.lane == lane)
    if board_id:
        query = query.where(ReviewItem.board_id == board_id)
    if category:
        has_flag = select(Flag.id).where(
            Flag.review_item_id == ReviewItem.id, Flag.category == category
        )
        query = query.where(has_flag.exists())
    if escalated:
        query = query.where(ReviewItem.escalated.is_(True))
    query = query.options(joinedload(ReviewItem.claimed_by))
    return list(
        db.session.scalars(query.order_by(ReviewItem.lane_rank, ReviewItem.created_at).limit(limit))
    )


def lane_counts(user: Any, boards: Any = _EVERY_BOARD) -> dict[str, int]:
    """How many open items wait in each lane, for the header and the queue tabs."""
    query = _scoped(
        select(ReviewItem.lane, func.count()).where(ReviewItem.state == "open"), user, boards
    ).group_by(ReviewItem.lane)
    counts = dict.fromkeys(LANE_RANK, 0)
    counts.update({lane: n for lane, n in db.session.execute(query)})
    return counts


def is_overdue(item: ReviewItem, now: datetime | None = None) -> bool:
    """True when an open item has waited longer than its lane's time target."""
    return item.state == "open" and (now or utcnow()) - item.created_at > TIME_TARGETS[item.lane]


def get_item(user: Any, item_id: int) -> ReviewItem:
    """The item, if the member may see it. Raises LookupError or NotAllowed."""
    item = db.session.get(ReviewItem, item_id)
    if item is None:
        raise LookupError(item_id)
    boards = reviewable_board_ids(user)
    if boards is not None and item.board_id not in boards:
        raise NotAllowed
    return item


def claim_item(item: ReviewItem, user: Any, version: int) -> None:
    """Claim the item for 15 minutes so others know it is being handled."""
    check_version(item, user, version)
    item.claimed_by_id, item.claimed_at = user.id, utcnow()


def release_item(item: ReviewItem, user: Any, version: int) -> None:
    """Give a claimed item back to the queue."""
    check_version(item, user, version)
    item.claimed_by_id = item.claimed_at = None


def check_version(item: ReviewItem, user: Any, version: int) -> None:
    """Refuse to act on a stale page or on an item another facilitator has claimed."""
    if item.version != version:
        raise ReviewConflict(STALE_PAGE)
    if is_own_item(item, user):
        # Acting on (or claiming) one's own post would also show the others who wrote it.
        raise ReviewConflict("This is your own post: another facilitator will handle it.")
    if claimed_by_other(item, user):
        name = item.claimed_by.pseudonym if item.claimed_by else "another facilitator"
        raise ReviewConflict(f"{name} is handling this item right now (claimed).")


def item_author_id(item: ReviewItem) -> int | None:
    """The account that wrote the item's post; None for a former member.

    Named: the item's author id. Anonymous: unsealed from the post, or, once the post is
    gone, found by the member reference (a scan of members: rare, for sanctions only).
    """
    if item.member_ref is None:
        return item.author_id
    post = db.session.get(Post, item.post_id) if item.post_id else None
    if post is not None:
        return author_id_of(post)
    member = member_for_reference(item.member_ref)
    return member.id if member is not None else None


def is_own_item(item: ReviewItem, user: Any) -> bool:
    """Whether the member wrote the item's post, under either identity.

    Read from the post while it exists; once it is gone, from the item's author id
    (named) or member reference (anonymous).
    """
    post = db.session.get(Post, item.post_id) if item.post_id else None
    if post is not None:
        return wrote(user, post)
    if item.member_ref is not None:
        return item.member_ref == member_reference(user.id)
    return item.author_id is not None and item.author_id == user.id


def claimed_by_other(item: ReviewItem, user: Any, now: datetime | None = None) -> bool:
    """True while someone else's claim on the item has not expired."""
    if item.claimed_by_id is None or item.claimed_by_id == user.id or item.claimed_at is None:
        return False
    return (now or utcnow()) - item.claimed_at < CLAIM_LIFETIME


@dataclass(frozen=True)
class ItemContext:
    """Everything a facilitator needs to decide about one item."""

    flags: list[Flag]
    post: Post | None
    thread: Thread | None
    board: Board
    previous_post: Post | None
    revisions: list[PostRevision]
    author_items: list[ReviewItem]


def item_context(item: ReviewItem, viewer: Any) -> ItemContext:
    """The post in context: thread, previous post, flags, edit history, author's history."""
    flags = list(db.session.scalars(
        select(Flag).where(Flag.review_item_id == item.id).order_by(Flag.created_at, Flag.id)
    ))  # fmt: skip
    post = db.session.get(Post, item.post_id) if item.post_id else None
    previous = None
    revisions: list[PostRevision] = []
    if post is not None:
        previous = db.session.scalar(
            select(Post).where(Post.thread_id == post.thread_id, Post.number == post.number - 1)
        )
        revisions = list(db.session.scalars(
            select(PostRevision).where(PostRevision.post_id == post.id)
            .order_by(PostRevision.number.desc())
        ))  # fmt: skip
    return ItemContext(
        flags=flags, post=post, thread=db.session.get(Thread, item.thread_id) if item.thread_id
        else None, board=db.session.get(Board, item.board_id), previous_post=previous,
        revisions=revisions, author_items=_author_items(item, viewer),
    )  # fmt: skip


def _author_items(item: ReviewItem, viewer: Any, limit: int = 10) -> list[ReviewItem]:
    """The author's other flagged items, on the boards the viewer may review.

    Only items of the same identity: an anonymous item lists the items with its member
    reference, a named one the items of the author's named posts. Listing a named post
    beside an anonymous one would tell the facilitator who wrote the anonymous one.
    """
    if item.member_ref is not None:
        query = select(ReviewItem).where(ReviewItem.member_ref == item.member_ref)
    elif item.author_id is not None:
        query = (
            select(ReviewItem)
            .join(Post, Post.id == ReviewItem.post_id)
            .where(ReviewItem.author_id == item.author_id, Post.is_anonymous.is_(False))
        )
    else:
        return []
    query = _scoped(query.where(ReviewItem.id != item.id), viewer)
    return list(db.session.scalars(query.order_by(ReviewItem.created_at.desc()).limit(limit)))
