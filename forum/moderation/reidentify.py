"""Break-glass re-identification of an anonymous post's author: the two-person rule.

One admin requests with a written reason; a second, different admin approves. Each step
is a row in the hash-chained action log, and the member is told when and why. The
answer is returned to the approving admin once and stored nowhere.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum.accounts.models import User
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.log import append_log
from forum.moderation.models import Reidentification
from forum.notifications.services import notify
from forum.posts.authorship import author_id_of
from forum.posts.models import Post
from forum.security.text import normalise_text


class ReidentifyRefused(ValueError):
    """The request or approval breaks the two-person rule or names no anonymous post."""


def request_reidentification(admin: User, post_id: int, reason: str) -> Reidentification:
    """Ask to learn who wrote an anonymous post; a second admin must approve."""
    if not admin.is_admin:
        raise ReidentifyRefused("Only admins can request re-identification.")
    post = db.session.get(Post, post_id)
    if post is None or not post.is_anonymous:
        raise ReidentifyRefused(f"Post {post_id} is not an anonymous post.")
    reason = normalise_text(reason).strip()
    if len(reason) < 20:
        raise ReidentifyRefused("Write the reason in full (at least 20 characters).")
    request = Reidentification(post_id=post.id, requested_by_id=admin.id, reason=reason)
    db.session.add(request)
    db.session.flush()
    append_log("reidentify_request", actor=admin, reason=reason, post_id=post.id,
               details={"request_id": request.id})  # fmt: skip
    return request


def approve_reidentification(admin: User, request_id: int) -> tuple[Reidentification, Any]:
    """Approve a pending request as a second admin; return it and the author (or None)."""
    request = db.session.get(Reidentification, request_id)
    if not admin.is_admin:
        raise ReidentifyRefused("Only admins can approve re-identification.")
    if request is None or request.state != "pending":
        raise ReidentifyRefused(f"Request {request_id} is not waiting for approval.")
    if request.requested_by_id == admin.id:
        raise ReidentifyRefused("A second, different admin must approve this request.")
    post = db.session.get(Post, request.post_id) if request.post_id else None
    author_id = author_id_of(post) if post is not None else None
    author = db.session.get(User, author_id) if author_id is not None else None
    request.state, request.decided_by_id, request.decided_at = "approved", admin.id, utcnow()
    append_log("reidentify", actor=admin, reason=request.reason, post_id=request.post_id,
               subject_user_id=author.id if author else None,
               details={"request_id": request.id})  # fmt: skip
    if author is not None:
        notify(author.id, "reidentified",
               "Two admins re-identified you as the author of one of your anonymous posts. "
               f"The reason they gave: {request.reason}", "/me/moderation")  # fmt: skip
    return request, author


def pending_requests() -> list[tuple[Reidentification, str | None]]:
    """Requests waiting for a second admin, oldest first, with the requester's pseudonym."""
    query = (
        select(Reidentification, User.pseudonym)
        .outerjoin(User, Reidentification.requested_by_id == User.id)
        .where(Reidentification.state == "pending")
        .order_by(Reidentification.id)
    )
    return [(request, name) for request, name in db.session.execute(query)]
