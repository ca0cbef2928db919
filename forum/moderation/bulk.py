"""Bulk approve or hide on a selection of items, undoable for a few minutes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from forum.db import utcnow
from forum.extensions import db
from forum.moderation import actions
from forum.moderation.log import append_log
from forum.moderation.models import BulkAction, Flag, ReviewItem
from forum.moderation.queue import NotAllowed, get_item
from forum.posts.models import Post

UNDO_WINDOW = timedelta(minutes=5)


class BulkRefused(ValueError):
    """The bulk action or its undo cannot be done; the message says why."""


def bulk_act(actor: Any, item_ids: list[int], action: str, reason: str = "") -> BulkAction:
    """Approve or hide every selected open item the actor may act on; remember how to undo."""
    if action not in {"approve", "hide"}:
        raise BulkRefused("Choose approve or hide.")
    if action == "hide" and not reason.strip():
        raise BulkRefused("Please give a reason for hiding; the authors will see it.")
    done: list[dict[str, Any]] = []
    for item_id in sorted(set(item_ids))[:200]:
        try:
            item = get_item(actor, item_id)
        except (LookupError, NotAllowed):
            continue
        if item.state != "open":
            continue
        post = db.session.get(Post, item.post_id) if item.post_id else None
        done.append({"item": item.id, "post_state": post.state if post else None})
        if action == "approve":
            actions.approve(item, actor, item.version, reason)
        elif post is not None:
            actions.hide(item, actor, item.version, reason)
    if not done:
        raise BulkRefused("None of the selected items could be changed.")
    bulk = BulkAction(actor_id=actor.id, action=action, reason=reason, items=json.dumps(done),
                      undo_until=utcnow() + UNDO_WINDOW)  # fmt: skip
    db.session.add(bulk)
    db.session.flush()
    return bulk


def undo_bulk(actor: Any, bulk_id: int) -> int:
    """Put every item and post of a recent bulk action back as it was; return how many."""
    bulk = db.session.get(BulkAction, bulk_id)
    if bulk is None or bulk.actor_id != actor.id:
        raise BulkRefused("There is no such bulk action of yours.")
    if bulk.undone_at is not None:
        raise BulkRefused("That bulk action was already undone.")
    if utcnow() > bulk.undo_until:
        raise BulkRefused("It is too late to undo that bulk action (5 minutes).")
    restored = 0
    for entry in json.loads(bulk.items):
        item = db.session.get(ReviewItem, entry["item"])
        post = db.session.get(Post, item.post_id) if item and item.post_id else None
        if item is None:
            continue
        if post is not None and entry["post_state"] == "held":
            post.hold()
        elif post is not None and entry["post_state"] == "visible":
            post.publish()
        _reopen(item)
        append_log("undo_" + bulk.action, actor=actor, reason="bulk action undone",
                   review_item_id=item.id, post_id=item.post_id,
                   subject_user_id=item.author_id,
                   details=actions.log_details(item))  # fmt: skip
        restored += 1
    bulk.undone_at = utcnow()
    return restored


def _reopen(item: ReviewItem) -> None:
    """Reopen the item; a report or screening that opened a newer item for the same post
    meanwhile is folded into it, since a post has at most one open item."""
    newer = db.session.scalar(select(ReviewItem).where(
        ReviewItem.post_id == item.post_id, ReviewItem.state == "open", ReviewItem.id != item.id
    )) if item.post_id else None  # fmt: skip
    if newer is not None:
        db.session.execute(
            update(Flag).where(Flag.review_item_id == newer.id).values(review_item_id=item.id)
        )
        item.raise_lane(newer.lane)
        item.escalated = item.escalated or newer.escalated
        item.needs_manual = item.needs_manual or newer.needs_manual
        newer.resolve(None, "merged")
        db.session.flush()  # closed before this one reopens
    item.reopen()
