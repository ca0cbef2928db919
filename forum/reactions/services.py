"""Reaction rules: who may react to what, toggling, per-page counts, telling the author.

Nobody is ever told who reacted: pages show counts, and the author's notification says
how many people responded. A member's own reactions are shown only to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError

from forum.boards.services import is_facilitator
from forum.extensions import db
from forum.notifications.models import Notification
from forum.notifications.services import notice_key, notify_author, sealed_notice
from forum.posts.authorship import author_id_of, wrote
from forum.posts.models import Post, Thread
from forum.posts.services import can_see_post, can_see_thread
from forum.reactions.models import KINDS, Reaction

NOTIFICATION_KIND = "reaction"
# How each kind reads in the author's notification, alone and beside others.
_ALONE = {
    "hear": "{people} said “I hear you” to your post in “{title}”.",
    "metoo": "{people} said “me too” to your post in “{title}”.",
    "strength": "{people} sent strength to your post in “{title}”.",
    "helped": "{people} said your post in “{title}” helped them.",
}
_TOGETHER = {
    "hear": "{n} said “I hear you”",
    "metoo": "{n} said “me too”",
    "strength": "{n} sent strength",
    "helped": "{n} said it helped",
}


class ReactionRefused(Exception):
    """The member may not react to this post; the message says why, kindly."""


class PostNotShown(LookupError):
    """The member cannot see the post at all (the view answers 404)."""


def check_can_react(user: Any, post: Post) -> None:
    """Raise PostNotShown or ReactionRefused unless the member may react to the post."""
    thread = post.thread
    moderator = is_facilitator(user, thread.board_id)
    if not (can_see_thread(user, thread, moderator) and can_see_post(user, post, moderator)):
        raise PostNotShown(post.id)
    if wrote(user, post):
        raise ReactionRefused("You can't react to your own post.")
    if post.is_withdrawn or not post.is_visible or thread.is_hidden:
        raise ReactionRefused("You can react only to posts everyone can see.")
    if thread.is_locked:
        raise ReactionRefused("This thread is locked, so it doesn't take reactions.")
    if user.is_suspended() or user.is_muted():
        until = user.suspended_until if user.is_suspended() else user.muted_until
        when = f"{until:%-d %B %Y, %H:%M} UTC" if until else "later"
        raise ReactionRefused(f"You can read Kindred but can't react to posts until {when}.")


def toggle_reaction(user: Any, post: Post, kind: str) -> bool:
    """Add the member's reaction of this kind, or take it back; True if it is now on.

    Raises PostNotShown, ReactionRefused, or ValueError for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown reaction {kind!r}")
    check_can_react(user, post)
    mine = (Reaction.post_id == post.id) & (Reaction.user_id == user.id) & (Reaction.kind == kind)
    taken_back = db.session.execute(delete(Reaction).where(mine)).rowcount  # type: ignore[attr-defined]
    if not taken_back:
        try:
            with db.session.begin_nested():  # a double click racing itself
                db.session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
        except IntegrityError:
            pass  # the other request added it: it is on either way
    _tell_author(post, added=not taken_back)
    return not taken_back


def post_counts(post_id: int) -> dict[str, int]:
    """How many members sent each kind to the post (every kind, zeros included)."""
    rows = db.session.execute(
        select(Reaction.kind, func.count())
        .where(Reaction.post_id == post_id)
        .group_by(Reaction.kind)
    )
    found = {kind: n for kind, n in rows}
    return {kind: found.get(kind, 0) for kind in KINDS}


def _tell_author(post: Post, *, added: bool) -> None:
    """Keep one unread notification per post up to date, or start one when needed.

    Batched: while the author has not read it, reactions change its text instead of
    adding more. It never names anyone; for an anonymous post it goes to the author only.
    """
    author_id = author_id_of(post)
    if author_id is None:  # a former member's post
        return
    link = f"/p/{post.id}"
    text = notification_text(post_counts(post.id), post.thread.title)
    unread = _unread_notice(post, author_id, link)
    if unread is not None:
        if text:
            unread.reword(text)
        else:
            db.session.delete(unread)  # every reaction was taken back before they looked
        db.session.flush()
    elif added and text:
        notify_author(post, NOTIFICATION_KIND, text, link)  # None if they muted these


def _unread_notice(post: Post, author_id: int, link: str) -> Notification | None:
    """The author's unread reactions notice about the post (sealed if it is anonymous)."""
    if post.is_anonymous:
        key = notice_key(author_id, post.id, NOTIFICATION_KIND)
        return sealed_notice(author_id, key, unread=True)
    return db.session.scalar(
        select(Notification)
        .where(
            Notification.user_id == author_id,
            Notification.kind == NOTIFICATION_KIND,
            Notification.link == link,
            Notification.read_at.is_(None),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )


def notification_text(counts: dict[str, int], title: str) -> str:
    """ "3 people sent strength to your post in “Title”." ("" when there are none)."""
    given = [(kind, n) for kind, n in counts.items() if n]
    if not given:
        return ""
    if len(given) == 1:
        kind, n = given[0]
        people = "1 person" if n == 1 else f"{n} people"
        return _ALONE[kind].format(people=people, title=title)
    parts = ", ".join(_TOGETHER[kind].format(n=n) for kind, n in given)
    return f"People responded to your post in “{title}”: {parts}."


@dataclass(frozen=True)
class Shown:
    """One reaction button or count as the viewer sees it."""

    kind: str
    label: str
    count: int
    pressed: bool


@lru_cache(maxsize=1024)
def _shown(kind: str, count: int, pressed: bool) -> Shown:
    # Immutable and small, so one instance serves every post with the same figures.
    return Shown(kind, KINDS[kind], count, pressed)


@dataclass(frozen=True)
class ReactionSummary:
    """Counts for every post of a thread page, and which of them the viewer sent."""

    counts: dict[int, dict[str, int]]
    mine: frozenset[tuple[int, str]]
    viewer_may_react: bool

    def for_post(self, post: Post) -> list[Shown]:
        counts = self.counts.get(post.id, {})
        return [_shown(kind, counts.get(kind, 0), (post.id, kind) in self.mine) for kind in KINDS]

    def any_for(self, post: Post) -> bool:
        return bool(self.counts.get(post.id))

    def can_react(self, post: Post, viewer_id: int) -> bool:
        """Show buttons: a visible post of someone else's, and a member allowed to react."""
        return self.offers_buttons(post, wrote(viewer_id, post))

    def offers_buttons(self, post: Post, mine: bool) -> bool:
        """can_react, for a caller that already knows whether the viewer wrote the post."""
        return self.viewer_may_react and post.is_visible and not post.is_withdrawn and not mine


# Built once: constructing these statements cost more than running them on a page view.
_page_ids = bindparam("ids", expanding=True)
_COUNTS = (
    select(Reaction.post_id, Reaction.kind, func.count())
    .where(Reaction.post_id.in_(_page_ids))
    .group_by(Reaction.post_id, Reaction.kind)
)
_OWN = select(Reaction.post_id, Reaction.kind).where(
    Reaction.post_id.in_(_page_ids), Reaction.user_id == bindparam("viewer")
)


def summarise(posts: Sequence[Post], thread: Thread, viewer: Any) -> ReactionSummary:
    """Reactions of a page of posts: one query for the counts, one for the viewer's own."""
    ids = [post.id for post in posts]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: set[tuple[int, str]] = set()
    if ids:
        for post_id, kind, n in db.session.execute(_COUNTS, {"ids": ids}):
            counts[post_id][kind] = n
        own = db.session.execute(_OWN, {"ids": ids, "viewer": viewer.id})
        mine = {(post_id, kind) for post_id, kind in own}
    may_react = not (thread.is_locked or thread.is_hidden or viewer.is_muted())
    return ReactionSummary(dict(counts), frozenset(mine), may_react and not viewer.is_suspended())
