"""Reacting to a post: a form POST that redirects back, or the same POST asking for JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from forum.extensions import db, limiter
from forum.posts.services import get_post, page_of
from forum.reactions import services
from forum.reactions.forms import ReactionForm

bp = Blueprint("reactions", __name__)

REACT_LIMIT = "60 per minute;600 per hour"


@bp.app_template_global()
def reaction_summary(posts: Any, thread: Any) -> services.ReactionSummary:
    """Reactions for a thread page's posts, for the viewer: two queries per page."""
    return services.summarise(posts, thread, current_user)


def _wants_json() -> bool:
    accepted = request.accept_mimetypes
    return accepted.best_match(["text/html", "application/json"]) == "application/json"


def _back_to(post: Any) -> str:
    page = page_of(post, current_app.config["FORUM_POSTS_PER_PAGE"])
    return url_for("posts.thread", thread_id=post.thread_id, page=page, _anchor=f"p{post.id}")


@bp.post("/p/<int:post_id>/react")
@login_required
@limiter.limit(REACT_LIMIT)
def toggle(post_id: int):
    post = get_post(post_id) or abort(404)
    form = ReactionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reacted = services.toggle_reaction(current_user, post, form.kind.data)
    except services.PostNotShown:
        abort(404)
    except services.ReactionRefused as refused:
        if _wants_json():
            return jsonify(error=str(refused)), 403
        flash(str(refused), "info")
        return redirect(_back_to(post))
    db.session.commit()
    if _wants_json():
        counts = services.post_counts(post.id)
        return jsonify(kind=form.kind.data, reacted=reacted, counts=counts)
    return redirect(_back_to(post))
