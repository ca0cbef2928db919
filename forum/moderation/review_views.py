"""The facilitators' review queue: lanes, items, claims, actions, bulk actions, appeals."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from forum.boards.services import get_board, list_boards
from forum.extensions import db
from forum.moderation import actions, bulk, health, queue, sanctions
from forum.moderation import forms as f
from forum.security.permissions import admin_required

bp = Blueprint("review", __name__, url_prefix="/review")


def reviewer_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Facilitators of at least one board, and admins; everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not queue.is_reviewer(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _item(item_id: int):  # type: ignore[no-untyped-def]
    try:
        return queue.get_item(current_user, item_id)
    except LookupError:
        abort(404)
    except queue.NotAllowed:
        abort(403)


@bp.get("")
@reviewer_required
def index():
    lane, category = request.args.get("lane"), request.args.get("category")
    board = get_board(request.args.get("board", "")) if request.args.get("board") else None
    items = queue.list_queue(current_user, lane=lane, board_id=board.id if board else None,
                             category=category,
                             escalated=request.args.get("escalated") == "1")  # fmt: skip
    return render_template(
        "review/index.html", items=items, counts=queue.lane_counts(current_user),
        lane=lane, category=category, board=board, boards=list_boards(),
        targets=queue.TIME_TARGETS, overdue=queue.is_overdue, form=f.BulkForm(),
    )  # fmt: skip


@bp.get("/<int:item_id>")
@reviewer_required
def item(item_id: int):
    return _render_item(_item(item_id))


def _render_item(item, status: int = 200):  # type: ignore[no-untyped-def]
    # One form per action, each with its own prefix, so field ids never collide.
    forms = {
        name: form_class(prefix=name, formdata=None, version=item.version)
        for name, (form_class, _, _) in ACTIONS.items()
    }
    forms["redact"].text.data = item.snapshot_text
    forms["thread"].board.choices = [(b.slug, b.name) for b in _my_boards()]
    ctx = queue.item_context(item, current_user)
    if ctx.post is not None:  # the warning form starts from the post's current warnings
        forms["warning"].themes.data = ctx.post.warning_keys
        forms["warning"].warning.data = ctx.post.content_warning or ""
    return render_template(
        "review/item.html", item=item, ctx=ctx, forms=forms,
        overdue=queue.is_overdue(item), claimed_by_other=queue.claimed_by_other(item, current_user),
        templates=actions.REACH_OUT_TEMPLATES, member_ref=_member_ref(item),
    ), status  # fmt: skip


def _member_ref(item):  # type: ignore[no-untyped-def]
    """For anonymous posts facilitators get an opaque reference, never the pseudonym."""
    return item.member_ref or "a former member"


def _my_boards():  # type: ignore[no-untyped-def]
    """Boards the current member reviews: a thread can only be moved to one of them."""
    mine = queue.reviewable_board_ids(current_user)
    return [b for b in list_boards() if mine is None or b.id in mine]


ACTIONS: dict[str, tuple[type, Callable[..., None], str]] = {
    "claim": (f.ItemForm, lambda i, u, v, form: queue.claim_item(i, u, v), "Claimed for you."),
    "release": (f.ItemForm, lambda i, u, v, form: queue.release_item(i, u, v), "Item released."),
    "approve": (f.ItemForm, lambda i, u, v, form: actions.approve(i, u, v, form.reason.data or ""),
                "Approved."),
    "hide": (f.HideForm, lambda i, u, v, form: actions.hide(i, u, v, form.reason.data), "Hidden."),
    "restore": (f.ItemForm, lambda i, u, v, form: actions.restore(i, u, v, form.reason.data or ""),
                "Restored."),
    "redact": (f.RedactForm, lambda i, u, v, form: actions.redact(i, u, v, form.text.data,
                                                                   form.reason.data), "Redacted."),
    "warning": (f.WarningForm, lambda i, u, v, form: actions.set_content_warning(
        i, u, v, form.warning.data or "", form.themes.data or []), "Content warning saved."),
    "escalate": (f.ItemForm, lambda i, u, v, form: actions.escalate(
        i, u, v, form.reason.data or "needs an admin"), "Escalated to the admins."),
    "message": (f.MessageForm, lambda i, u, v, form: actions.reach_out(
        i, u, v, form.message.data or actions.REACH_OUT_TEMPLATES.get(form.template.data, "")),
        "Your message was sent to the author."),
    "sanction": (f.SanctionForm, lambda i, u, v, form: sanctions.sanction_member(
        u, i, v, form.kind.data, form.reason.data, form.days.data), "Sanction recorded."),
    "thread": (f.ThreadForm, lambda i, u, v, form: actions.thread_action(
        i, u, v, form.action.data, get_board(form.board.data or "")), "Thread updated."),
}  # fmt: skip


@bp.post("/<int:item_id>/<action>")
@reviewer_required
def act(item_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    item = _item(item_id)
    form_class, run, done = ACTIONS[action]
    form = form_class(prefix=action)
    if not form.validate_on_submit() or not form.version.data.isdigit():
        flash(_first_error(form), "error")
        return _render_item(item, 400)
    try:
        run(item, current_user, int(form.version.data), form)
        db.session.commit()
    except (queue.ReviewConflict, actions.ActionRefused, sanctions.SanctionRefused) as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_item(_item(item_id), 409)
    except StaleDataError:  # another action was committed between our version check and write
        db.session.rollback()
        flash(queue.STALE_PAGE, "error")
        return _render_item(_item(item_id), 409)
    flash(done, "success")
    return redirect(url_for("review.item", item_id=item_id))


def _first_error(form) -> str:  # type: ignore[no-untyped-def]
    for errors in form.errors.values():
        return errors[0]
    return "That did not work; please try again."


@bp.post("/bulk")
@reviewer_required
def bulk_action():
    form = f.BulkForm()
    ids = [int(x) for x in request.form.getlist("items") if x.isdigit()]
    if form.validate_on_submit():
        try:
            done = bulk.bulk_act(current_user, ids, form.action.data, form.reason.data or "")
            db.session.commit()
            flash(f"Done: {form.action.data} on {done.count} item(s).", "success")
            return render_template("review/bulk_done.html", bulk=done, form=f.ItemForm())
        except (bulk.BulkRefused, queue.ReviewConflict) as error:
            db.session.rollback()
            flash(str(error), "error")
        except StaleDataError:
            db.session.rollback()
            flash(queue.STALE_PAGE, "error")
    return redirect(url_for("review.index"))


@bp.post("/bulk/<int:bulk_id>/undo")
@reviewer_required
def undo(bulk_id: int):
    try:  # CSRFProtect has already checked the token of this button-only form
        restored = bulk.undo_bulk(current_user, bulk_id)
        db.session.commit()
        flash(f"Undone: {restored} item(s) are back in the queue.", "success")
    except bulk.BulkRefused as error:
        flash(str(error), "error")
    return redirect(url_for("review.index"))


@bp.get("/appeals")
@admin_required
def appeals():
    return render_template("review/appeals.html", appeals=sanctions.pending_appeals(),
                           form=f.AppealDecisionForm())  # fmt: skip


@bp.post("/appeals/<int:sanction_id>")
@admin_required
def decide(sanction_id: int):
    form = f.AppealDecisionForm()
    if form.validate_on_submit():
        try:
            sanctions.decide_appeal(current_user, sanction_id, form.outcome.data == "overturn",
                                    form.reason.data or "")  # fmt: skip
            db.session.commit()
            flash("Decision recorded; the member is told.", "success")
        except sanctions.SanctionRefused as error:
            flash(str(error), "error")
    return redirect(url_for("review.appeals"))


@bp.get("/health")
@admin_required
def queue_health():
    return render_template("review/health.html", health=health.queue_health())
