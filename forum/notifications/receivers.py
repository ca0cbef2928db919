"""Reacting to posts: auto-follow, tell followers and mentioned members, record reading.

Connected to the signals of `forum.events`; everything runs in the sender's transaction
(add and flush), so nothing is told about a post that was rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g
from sqlalchemy import ColumnElement, and_, exists, or_, select, true

from forum import events
from forum.accounts.models import User
from forum.accounts.pseudonyms import PseudonymInvalid, normalise_pseudonym
from forum.boards.models import BoardFacilitator
from forum.extensions import db
from forum.notifications.follows import auto_follows, follow_thread
from forum.notifications.models import BoardFollow, ThreadFollow
from forum.notifications.reading import last_read, mark_read
from forum.notifications.services import notify_members, notify_sealed
from forum.posts.authorship import author_id_of, wrote
from forum.posts.models import Post, Thread
from forum.security.sanitize import mentions_in_html

# More than this many names in one post is a broadcast, not a conversation.
MAX_MENTIONS = 10


def connect_events() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    events.post_created.connect(_on_post_created)
    events.post_published.connect(_on_post_published)
    events.thread_viewed.connect(_on_thread_viewed)


def _on_post_created(post: Post, **_: Any) -> None:
    """Its author follows the thread; a post others can see is announced."""
    if post.author_id is not None and (post.number == 1 or auto_follows(post.author_id)):
        follow_thread(post.author_id, post.thread_id)
    if post.state == "visible":
        announce(post)


def _on_post_published(post: Post, **_: Any) -> None:
    """A held post was approved: announce it now (members told before are not told again)."""
    announce(post)


def announce(post: Post) -> None:
    """Tell mentioned members, then followers, about a newly visible post, once each.

    A mention wins over a reply or new-thread notification. Never the author, never a
    member who cannot see the thread. The stored text names nobody (see `describe`).
    """
    thread = post.thread
    audience = and_(_can_see(thread), _not_author(post))
    link, title = f"/p/{post.id}", thread.title
    mentioned = mentioned_member_ids(post)
    if mentioned:
        notify_members(and_(User.id.in_(mentioned), audience), "mention",
                       f"A mention in “{title}”", link, post.id)  # fmt: skip
    if post.number == 1:
        board_followers = select(BoardFollow.user_id).where(BoardFollow.board_id == thread.board_id)
        notify_members(and_(User.id.in_(board_followers), audience), "new_thread",
                       f"A new thread: “{title}”", link, post.id)  # fmt: skip
    else:
        followers = select(ThreadFollow.user_id).where(ThreadFollow.thread_id == thread.id)
        notify_members(and_(User.id.in_(followers), audience), "reply",
                       f"A new reply in “{title}”", link, post.id)  # fmt: skip
        _tell_anonymous_opener(post)


def _tell_anonymous_opener(post: Post) -> None:
    """Whoever opened an anonymous thread hears of its replies, sealed.

    They follow it without a follow row, which would tie them to the thread; the notice
    itself is sealed (see `notify_author`). Not for their own replies, and not twice if
    they also follow the thread by hand.
    """
    thread = post.thread
    if not thread.is_anonymous:
        return
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))
    opener = author_id_of(opening) if opening is not None else None
    if opener is None or wrote(opener, post):
        return
    follows = select(ThreadFollow.user_id).where(
        ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == opener
    )
    if db.session.scalar(follows) is None:
        notify_sealed(opener, post.id, "reply", f"A new reply in “{thread.title}”",
                      f"/p/{post.id}", once=True)  # fmt: skip


def _not_author(post: Post) -> ColumnElement[bool]:
    return true() if post.author_id is None else User.id != post.author_id


def _can_see(thread: Thread) -> ColumnElement[bool]:
    """Who can read the thread: everyone, or for a hidden one its author and facilitators."""
    if not thread.is_hidden:
        return true()
    facilitates = exists().where(
        BoardFacilitator.board_id == thread.board_id, BoardFacilitator.user_id == User.id
    )
    author = User.id == thread.author_id if thread.author_id is not None else User.id.is_(None)
    return or_(User.is_admin.is_(True), author, facilitates)


def mentioned_member_ids(post: Post) -> list[int]:
    """Members named as @Pseudonym in the post (as rendered: never in code), matched the
    way pseudonyms are unique.

    Only the first MAX_MENTIONS names count. Aliases ("Anonymous Heron") are not
    pseudonyms, so an anonymous poster can never be reached through one.
    """
    keys = []
    for name in mentions_in_html(post.body_html)[:MAX_MENTIONS]:
        try:
            keys.append(normalise_pseudonym(name)[1])
        except PseudonymInvalid:
            continue
    if not keys:
        return []
    return list(db.session.scalars(select(User.id).where(User.pseudonym_key.in_(keys))))


@dataclass(frozen=True)
class Reading:
    """What the member had read of a thread before this page view, and if they follow it."""

    thread_id: int
    previous: int | None
    following: bool


def _on_thread_viewed(thread: Thread, member: Any, shown_up_to: int, **_: Any) -> None:
    """Move the member's read mark to the last post shown; remember the old one for the page."""
    previous, following = last_read(member.id, thread.id)
    if previous is None or shown_up_to > previous:  # a re-read writes nothing (no write lock)
        mark_read(member.id, thread.id, shown_up_to)
    g.kindred_reading = Reading(thread.id, previous, following)
