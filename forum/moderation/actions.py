"""Facilitator actions on review items. Each one checks the item's version and claim,
changes the post only through the Post model's own transitions, writes one action-log row,
and tells the people concerned what happened (never who reported)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from forum import events
from forum.boards.models import Board
from forum.boards.services import is_facilitator, schedule_board_recount
from forum.extensions import db
from forum.moderation.log import append_log
from forum.moderation.models import Flag, ReviewItem
from forum.moderation.queue import check_version, item_author_id
from forum.notifications.services import notify, notify_author
from forum.posts import warnings
from forum.posts.models import Post, PostRevision, Thread
from forum.security.sanitize import render_markdown
from forum.security.text import normalise_text

REDACTED = "[removed by a facilitator]"
REACH_OUT_TEMPLATES = {
    "check-in": "Hi, I'm one of the facilitators here. I read your post and wanted to check in: "
    "how are you doing right now? If things feel like too much, the Need help now? page "
    "lists people you can talk to straight away.",
    "resources": "Thank you for sharing something so hard. You don't have to carry it alone: "
    "the Need help now? page has free, confidential lines you can call or text today.",
    "guidelines": "Hi, a quick note from the facilitators: part of your post went against our "
    "community guidelines, so we've adjusted it. Thanks for understanding, and for being here.",
}


class ActionRefused(ValueError):
    """The action does not apply to this item (for example, its post no longer exists)."""


def _post(item: ReviewItem) -> Post:
    post = db.session.get(Post, item.post_id) if item.post_id else None
    if post is None:
        raise ActionRefused("The post no longer exists; only the snapshot is left.")
    return post


def _log(item: ReviewItem, actor: Any, action: str, reason: str = "", **details: Any) -> None:
    append_log(action, actor=actor, reason=reason, review_item_id=item.id, post_id=item.post_id,
               subject_user_id=item.author_id, details=log_details(item, **details))  # fmt: skip


def log_details(item: ReviewItem, **details: Any) -> dict[str, Any]:
    """A log row's details; about an anonymous post, the member reference stands in for
    the author (the row then has no subject_user_id: the item has no author id)."""
    return {**details, "member_ref": item.member_ref} if item.member_ref else details


def _tell_reporters(item: ReviewItem) -> None:
    reporters = db.session.scalars(
        select(Flag.reporter_id).where(Flag.review_item_id == item.id, Flag.reporter_id.isnot(None))
    )
    for reporter_id in set(reporters):
        notify(reporter_id, "report_outcome",
               "A facilitator looked at the post you reported. Thank you for helping keep "
               "Kindred safe.")  # fmt: skip


def _tell_author(post: Post, kind: str, text: str) -> None:
    # Sealed for an anonymous post: the notification row does not name the post.
    notify_author(post, kind, text, f"/p/{post.id}")


def approve(item: ReviewItem, actor: Any, version: int, reason: str = "") -> None:
    """Dismiss the flags; a held post becomes visible."""
    check_version(item, actor, version)
    post = db.session.get(Post, item.post_id) if item.post_id else None
    if post is not None and post.state == "held":
        post.publish()
        _tell_author(
            post, "post_approved", "A facilitator approved your post; everyone can see it now."
        )
        events.post_published.send(post)
    item.resolve(actor.id, "approved")
    _log(item, actor, "approve", reason)
    _tell_reporters(item)


def hide(item: ReviewItem, actor: Any, version: int, reason: str) -> None:
    """Hide the post from everyone but its author, with a reason the author sees."""
    check_version(item, actor, version)
    post = _post(item)
    post.hide(reason)
    item.resolve(actor.id, "hidden")
    _log(item, actor, "hide", reason)
    _tell_author(post, "post_hidden", f"A facilitator hid your post. The reason: {reason}")
    _tell_reporters(item)
    _recount(post)


def restore(item: ReviewItem, actor: Any, version: int, reason: str = "") -> None:
    """Make a hidden or held post visible again."""
    check_version(item, actor, version)
    post = _post(item)
    was_held = post.state == "held"
    post.publish()
    if was_held:
        events.post_published.send(post)
    if item.state == "open":
        item.resolve(actor.id, "restored")
    else:
        item.resolution = "restored"
        item.touch()
    _log(item, actor, "restore", reason)
    _tell_author(post, "post_restored", "A facilitator restored your post.")
    _recount(post)


def redact(item: ReviewItem, actor: Any, version: int, new_text: str, note: str) -> None:
    """Replace the post's text and purge the old text from every earlier revision."""
    check_version(item, actor, version)
    post = _post(item)
    source = normalise_text(new_text).strip() or REDACTED
    html = render_markdown(source)
    post.redact(source, html)
    db.session.execute(
        update(PostRevision)
        .where(PostRevision.post_id == post.id)
        .values(body_source=REDACTED, body_html=render_markdown(REDACTED))
    )
    db.session.execute(update(PostRevision).where(
        PostRevision.post_id == post.id, PostRevision.number == post.revision
    ).values(body_source=source, body_html=html))  # fmt: skip
    db.session.execute(
        update(Flag).where(Flag.post_id == post.id).values(reason="redacted by a facilitator")
    )
    # Earlier (resolved) items of the post keep a snapshot too; the removed text goes there too.
    db.session.execute(update(ReviewItem).where(
        ReviewItem.post_id == post.id, ReviewItem.id != item.id
    ).values(snapshot_text=source))  # fmt: skip
    item.snapshot_text = source
    item.touch()
    _log(item, actor, "redact", note)
    _tell_author(post, "post_redacted", f"A facilitator edited your post. Their note: {note}")


def set_content_warning(
    item: ReviewItem, actor: Any, version: int, warning: str, themes: Sequence[str] = ()
) -> None:
    """Collapse the post behind content warnings: themes from the list and/or own words.

    They replace the post's warnings, the author's included; none at all removes them.
    """
    check_version(item, actor, version)
    post = _post(item)
    try:
        post.set_content_warnings(warnings.join_keys(themes), warnings.clean_custom(warning))
    except warnings.WarningInvalid as error:
        raise ActionRefused(str(error)) from None
    item.touch()
    _log(item, actor, "content_warning", ", ".join(post.content_warnings) or "removed")


def thread_action(item: ReviewItem, actor: Any, version: int, action: str, board: Board | None
                  = None) -> None:  # fmt: skip
    """Lock, unlock, pin, unpin or move the item's thread."""
    check_version(item, actor, version)
    thread = db.session.get(Thread, item.thread_id) if item.thread_id else None
    if thread is None:
        raise ActionRefused("The thread no longer exists.")
    if action in {"lock", "unlock"}:
        thread.is_locked = action == "lock"
    elif action in {"pin", "unpin"}:
        thread.is_pinned = action == "pin"
    elif action == "move" and board is not None:
        if not is_facilitator(actor, board.id):
            raise ActionRefused("You can only move a thread to a board you facilitate.")
        old_board, thread.board_id = thread.board_id, board.id
        item.board_id = board.id
        schedule_board_recount(old_board)
        schedule_board_recount(board.id)
    else:
        raise ActionRefused("Unknown thread action.")
    item.touch()
    _log(item, actor, f"thread_{action}", board=board.slug if board else None)


def escalate(item: ReviewItem, actor: Any, version: int, reason: str) -> None:
    """Ask the admins to look; they are notified and the item is marked escalated."""
    check_version(item, actor, version)
    from forum.accounts.models import User

    item.escalated = True
    item.touch()
    for admin_id in db.session.scalars(select(User.id).where(User.is_admin.is_(True))):
        notify(admin_id, "escalation", f"A facilitator escalated review item #{item.id}: {reason}",
               f"/review/{item.id}")  # fmt: skip
    _log(item, actor, "escalate", reason)


def reach_out(item: ReviewItem, actor: Any, version: int, message: str) -> None:
    """Send the author a private message from the facilitators (not from a named person)."""
    check_version(item, actor, version)
    post = db.session.get(Post, item.post_id) if item.post_id else None
    if post is None and item.member_ref is not None:
        raise ActionRefused("The post no longer exists, so its anonymous author can't be reached.")
    author_id = item_author_id(item)
    if author_id is None:
        raise ActionRefused("The author's account no longer exists.")
    text = normalise_text(message).strip()
    if not text:
        raise ActionRefused("Please write a message.")
    text = f"A message from the facilitators: {text}"
    if post is not None:
        notify_author(post, "facilitator_message", text, f"/p/{post.id}")
    else:
        notify(author_id, "facilitator_message", text)
    item.touch()
    _log(item, actor, "reach_out", "private message sent to the author")


def _recount(post: Post) -> None:
    schedule_board_recount(post.thread.board_id)
