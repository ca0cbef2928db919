"""Notification rules: tell members something (honouring their preferences), count, list, read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, insert, literal, select, update
from sqlalchemy.orm import joinedload

from forum.accounts.models import User
from forum.db import UTCDateTime, utcnow
from forum.extensions import db
from forum.notifications.models import Notification, NotificationPreference
from forum.posts.authorship import author_id_of, wrote
from forum.posts.models import MAX_ID, Post, Thread
from forum.security.keys import keyed_digest, seal

# The kinds a member may turn off, and the preference that does it. Every other kind
# (moderation outcomes, facilitator messages, sanctions, appeals, re-identification) is
# always delivered.
PREFERENCE_OF = {
    "reply": "replies",
    "new_thread": "new_threads",
    "mention": "mentions",
    "reaction": "reactions",
}
# What a new post can tell a member; they hear about one post once, whichever applies.
POST_KINDS = ("mention", "reply", "new_thread")
UNREAD_CAP = 99
PAGE_SIZE = 30


def notify(
    user_id: int, kind: str, text: str, link: str = "", *, post_id: int | None = None
) -> Notification | None:
    """Add a notification for the member and return it.

    Returns None, adding nothing, when the member turned this kind off, or when `post_id`
    is given and they were already told about that post (for a new post, by any of
    POST_KINDS). A member on a break still gets it, unread, for when they are back: the
    header shows no count during a break.
    """
    if not _wants(user_id, kind):
        return None
    if post_id is not None and _already_told(user_id, post_id, kind):
        return None
    note = Notification(user_id=user_id, kind=kind, text=text, link=link, post_id=post_id)
    db.session.add(note)
    db.session.flush()
    return note


def notify_author(
    post: Post, kind: str, text: str, link: str = "", *, once: bool = False
) -> Notification | None:
    """Tell a post's author something about it; None for a former member's post.

    About an anonymous post, the notice is sealed: no post id, and words and link only
    the server can open, so the notification table does not tie the member to the post.
    With `once`, a second notice of this kind about this post is not added.
    """
    user_id = author_id_of(post)
    if user_id is None:
        return None
    if not post.is_anonymous:
        if once and _already_told(user_id, post.id, kind):
            return None
        return notify(user_id, kind, text, link, post_id=post.id if once else None)
    return notify_sealed(user_id, post.id, kind, text, link, once=once)


def notify_sealed(user_id: int, post_id: int, kind: str, text: str, link: str = "", *,
                  once: bool = False) -> Notification | None:  # fmt: skip
    """Add a sealed notice about a post (see `notify_author`), honouring preferences."""
    if not _wants(user_id, kind):
        return None
    key = notice_key(user_id, post_id, kind)
    if once and sealed_notice(user_id, key) is not None:
        return None
    note = Notification(user_id=user_id, kind=kind, text=seal(text), link=seal(link),
                        sealed=True, seal_key=key)  # fmt: skip
    db.session.add(note)
    db.session.flush()
    return note


def notice_key(user_id: int, post_id: int, kind: str) -> str:
    """The keyed digest that finds a sealed notice about a post again."""
    return keyed_digest("notice", user_id, post_id, kind).hex()[:32]


def sealed_notice(user_id: int, key: str, *, unread: bool = False) -> Notification | None:
    """The member's latest sealed notice with this key (only an unread one if asked)."""
    query = select(Notification).where(Notification.user_id == user_id,
                                       Notification.seal_key == key)  # fmt: skip
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return db.session.scalar(query.order_by(Notification.id.desc()).limit(1))


def _wants(user_id: int, kind: str) -> bool:
    column = PREFERENCE_OF.get(kind)
    if column is None:
        return True
    preference = db.session.get(NotificationPreference, user_id)
    return preference is None or bool(getattr(preference, column))


def _same_kinds(kind: str) -> tuple[str, ...]:
    return POST_KINDS if kind in POST_KINDS else (kind,)


def _already_told(user_id: int, post_id: int, kind: str) -> bool:
    query = select(Notification.id).where(
        Notification.user_id == user_id,
        Notification.post_id == post_id,
        Notification.kind.in_(_same_kinds(kind)),
    )
    return db.session.scalar(query.limit(1)) is not None


def notify_members(audience: ColumnElement[bool], kind: str, text: str, link: str,
                   post_id: int) -> int:  # fmt: skip
    """Tell every member matching `audience` (a condition on User) about a post.

    One INSERT ... SELECT whatever the number of members: those who turned the kind off
    and those already told about the post are left out in the same statement. Returns
    how many were told.
    """
    told = exists().where(
        Notification.user_id == User.id,
        Notification.post_id == post_id,
        Notification.kind.in_(_same_kinds(kind)),
    )
    rows = select(
        User.id, literal(kind), literal(text), literal(link), literal(post_id),
        literal(utcnow(), UTCDateTime()),
    ).where(audience, ~told)  # fmt: skip
    column = PREFERENCE_OF.get(kind)
    if column is not None:
        muted = exists().where(
            NotificationPreference.user_id == User.id,
            getattr(NotificationPreference, column).is_(False),
        )
        rows = rows.where(~muted)
    names = ["user_id", "kind", "text", "link", "post_id", "created_at"]
    result = db.session.execute(insert(Notification).from_select(names, rows))
    return result.rowcount or 0  # type: ignore[attr-defined]


def unread_count(user_id: int) -> int:
    """How many notifications the member has not read, counted up to UNREAD_CAP + 1."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .limit(UNREAD_CAP + 1)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


@dataclass(frozen=True)
class NotificationPage:
    """One page of a member's notifications, newest first; `older` is the next cursor."""

    notes: list[Notification]
    older: int | None


def notifications_page(user_id: int, before: int | None = None,
                       size: int = PAGE_SIZE) -> NotificationPage:  # fmt: skip
    """A page of the member's notifications older than id `before`, posts loaded: one query."""
    query = (
        select(Notification)
        .options(
            joinedload(Notification.post).joinedload(Post.author),
            joinedload(Notification.post).joinedload(Post.thread).joinedload(Thread.board),
        )
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(size + 1)
    )
    if before is not None:
        query = query.where(Notification.id < before)
    notes = list(db.session.scalars(query).unique())
    older = notes[size - 1].id if len(notes) > size else None
    return NotificationPage(notes=notes[:size], older=older)


def recent_notifications(user_id: int, limit: int = 50) -> list[Notification]:
    """The member's latest notifications, newest first."""
    return notifications_page(user_id, size=limit).notes


def open_notification(user_id: int, note_id: int) -> Notification | None:
    """The member's notification, now marked read; None if it is not theirs."""
    if not 0 < note_id <= MAX_ID:
        return None
    note = db.session.scalar(
        select(Notification).where(Notification.id == note_id, Notification.user_id == user_id)
    )
    if note is not None:
        note.mark_read()
        db.session.flush()
    return note


def mark_all_read(user_id: int) -> None:
    """Mark every notification of the member as read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def describe(note: Notification) -> str:
    """The words shown for a notification.

    For a new post the person is read from the post now: its alias if it is anonymous
    (never the author's pseudonym), the author's current pseudonym, or "A former member".
    Members are told about their own anonymous posts too (leaving them out would set
    them apart from other followers); those read "Your anonymous ...".
    """
    post = note.post
    if note.kind not in POST_KINDS or post is None:
        return note.shown_text
    thread = post.thread
    if post.state != "visible" or post.is_withdrawn:
        return "A post you were told about is no longer shown."
    title = thread.title
    if post.is_anonymous and wrote(note.user_id, post):
        what = "thread" if note.kind == "new_thread" else "post"
        return f"Your anonymous {what} in “{title}” is up, as {post.anon_alias}."
    if post.is_anonymous:
        name = post.anon_alias or "Someone"
    else:
        name = post.author.pseudonym if post.author else "A former member"
    if note.kind == "mention":
        return f"{name} mentioned you in “{title}”"
    if note.kind == "new_thread":
        return f"{name} started “{title}” in {thread.board.name}"
    return f"{name} replied in “{title}”"


def safe_link(link: str) -> str:
    """A notification's link if it is a path on this site, else the notifications page."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return "/notifications"
