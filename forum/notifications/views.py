"""Notifications, following, unread marks and notification settings.

The thread, board and home pages belong to other domains; they reach this one through
template globals (reading only) and the `thread_viewed` event (the read mark).

Opening a notification is a GET that marks it read before redirecting to its post: a
link can be opened in a new tab and is announced as a link, and the only state it
changes is one of the member's own notifications going from unread to read (idempotent,
and a forged request would need the notification's id and could do no more than that).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from forum.accounts.forms import ButtonForm
from forum.boards.services import get_board
from forum.extensions import db
from forum.notifications import follows, reading, services
from forum.notifications.forms import PreferencesForm
from forum.posts.models import MAX_ID, Thread

bp = Blueprint("notifications", __name__)


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id) if 0 < thread_id <= MAX_ID else None
    if thread is None or not follows.can_follow(current_user, thread):
        abort(404)
    return thread


def _cursor() -> int | None:
    raw = request.args.get("before")
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        abort(400, "That page link is not valid.")
    return int(raw)


@bp.get("/notifications")
@login_required
def index():
    page = services.notifications_page(current_user.id, before=_cursor())
    first = request.args.get("before") is None
    return render_template(
        "notifications/index.html", page=page, form=ButtonForm(), describe=services.describe,
        first=first,
    )  # fmt: skip


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    note = services.open_notification(current_user.id, notification_id) or abort(404)
    db.session.commit()
    link = note.shown_link
    return redirect(services.safe_link(link) if link else url_for(".index"))


@bp.post("/notifications/read")
@login_required
def mark_read():
    services.mark_all_read(current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


def _back_to_thread(thread: Thread):  # type: ignore[no-untyped-def]
    page = request.form.get("page", "")
    page_arg = int(page) if page.isdigit() and 1 < int(page) <= MAX_ID else None
    return redirect(url_for("posts.thread", thread_id=thread.id, page=page_arg))


def _change_thread_follow(thread_id: int, change, message: str):  # type: ignore[no-untyped-def]
    thread = _thread_or_404(thread_id)
    change(current_user.id, thread.id)
    db.session.commit()
    flash(message, "success")
    return _back_to_thread(thread)


def _change_board_follow(slug: str, change, message: str):  # type: ignore[no-untyped-def]
    board = get_board(slug) or abort(404)
    change(current_user.id, board)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("boards.board", slug=board.slug))


@bp.post("/t/<int:thread_id>/follow")
@login_required
def follow_thread(thread_id: int):
    return _change_thread_follow(
        thread_id, follows.follow_thread,
        "You are following this thread. New replies will show in your notifications.",
    )  # fmt: skip


@bp.post("/t/<int:thread_id>/unfollow")
@login_required
def unfollow_thread(thread_id: int):
    return _change_thread_follow(
        thread_id, follows.unfollow_thread, "You have stopped following this thread."
    )


@bp.post("/b/<slug>/follow")
@login_required
def follow_board(slug: str):
    return _change_board_follow(
        slug, follows.follow_board,
        "You are following this board. New threads will show in your notifications.",
    )  # fmt: skip


@bp.post("/b/<slug>/unfollow")
@login_required
def unfollow_board(slug: str):
    return _change_board_follow(
        slug, follows.unfollow_board, "You have stopped following this board."
    )


@bp.get("/t/<int:thread_id>/unread")
@login_required
def first_unread(thread_id: int):
    thread = _thread_or_404(thread_id)
    post = reading.first_unread(current_user.id, thread)
    if post is None:  # all read: the last page, where the next reply will be
        last = max(1, -(-thread.post_count // _per_page()))
        return redirect(url_for("posts.thread", thread_id=thread.id, page=last))
    page = (post.number - 1) // _per_page() + 1
    return redirect(url_for("posts.thread", thread_id=thread.id, page=page if page > 1 else None,
                            _anchor=f"p{post.id}"))  # fmt: skip


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    current = follows.preferences_of(current_user.id)
    form = PreferencesForm(obj=current)
    if form.validate_on_submit():
        follows.save_preferences(current_user.id, **form.data)
        db.session.commit()
        flash("Your notification settings are saved.", "success")
        return redirect(url_for(".preferences"))
    status = 400 if form.is_submitted() else 200
    return render_template("notifications/preferences.html", form=form), status


def _per_page() -> int:
    return current_app.config["FORUM_POSTS_PER_PAGE"]


# Template globals for other domains' pages. Each costs a fixed number of queries.


@bp.app_template_global()
def thread_reading(thread: Thread, posts: list[Any]) -> dict[str, Any]:
    """The thread page's follow state and "jump to first unread" link.

    No query: the `thread_viewed` receiver read both before moving the mark.
    """
    state = getattr(g, "kindred_reading", None)
    if state is None or state.thread_id != thread.id:
        previous, following = reading.last_read(current_user.id, thread.id)
    else:
        previous, following = state.previous, state.following
    numbers = [post.number for post in posts] or [0]
    first_unread = None if previous is None else previous + 1
    show_jump = (
        first_unread is not None
        and first_unread <= thread.post_count
        and not min(numbers) <= first_unread <= max(numbers)
    )
    return {"following": following, "show_jump": show_jump, "form": ButtonForm(formdata=None)}


@bp.app_template_global()
def board_following(board: Any) -> dict[str, Any]:
    """Whether the member follows the board, and the button's form: one query."""
    following = current_user.is_authenticated and follows.follows_board(current_user.id, board.id)
    return {"following": following, "form": ButtonForm(formdata=None)}


@bp.app_template_global()
def unread_marks(threads: list[Thread]) -> dict[int, reading.Unread]:
    """New posts per listed thread for the member: one query for the whole page."""
    return reading.unread_in(current_user, [thread.id for thread in threads])


@bp.app_template_global()
def followed_news() -> tuple[list[Thread], dict[int, reading.Unread]]:
    """Followed threads with new posts, for the home page: two queries."""
    if not current_user.is_authenticated:
        return [], {}
    return reading.followed_with_news(current_user)
