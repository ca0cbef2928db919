"""Member-facing moderation pages: report, "I'm worried", support after crisis, my record."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.boards.services import is_facilitator
from forum.extensions import db
from forum.moderation import log, reports, sanctions
from forum.moderation.forms import AppealForm, ReportForm, WorriedForm
from forum.pages.services import get_page
from forum.posts.services import can_see_post, get_post

bp = Blueprint("moderation", __name__)

# A suspended member may log in only to read why and to appeal.
_OPEN_WHILE_SUSPENDED = {
    "moderation.mine", "moderation.appeal", "accounts.logout", "static", "pages.crisis",
    "pages.guidelines", "pages.privacy", "notifications.index",
}  # fmt: skip


@bp.before_app_request
def _confine_suspended_members():  # type: ignore[no-untyped-def]
    if (
        current_user.is_authenticated
        and current_user.is_suspended()
        and request.endpoint not in _OPEN_WHILE_SUSPENDED
    ):
        return redirect(url_for("moderation.mine"))
    return None


def _reportable(post_id: int):  # type: ignore[no-untyped-def]
    post = get_post(post_id) or abort(404)
    if not can_see_post(current_user, post, is_facilitator(current_user, post.thread.board_id)):
        abort(404)
    return post


@bp.route("/p/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report(post_id: int):
    post = _reportable(post_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_post(post, current_user, form.reason.data, form.details.data or "")
        except reports.ReportRefused as error:
            flash(str(error), "info")
        else:
            db.session.commit()
            flash("Thank you. A facilitator will look at this post; the author will not "
                  "know who reported it.", "success")  # fmt: skip
        return redirect(url_for("posts.permalink", post_id=post.id))
    return render_template("moderation/report.html", post=post, form=form)


@bp.route("/p/<int:post_id>/worried", methods=["GET", "POST"])
@login_required
def worried(post_id: int):
    post = _reportable(post_id)
    form = WorriedForm()
    if form.validate_on_submit():
        try:
            reports.report_worry(post, current_user, form.details.data or "")
        except reports.ReportRefused as error:
            flash(str(error), "info")
        else:
            db.session.commit()
            flash("Thank you for looking out for them. A facilitator will reach out.", "success")
        return redirect(url_for("posts.permalink", post_id=post.id))
    return render_template("moderation/worried.html", post=post, form=form)


@bp.get("/support")
@login_required
def support():
    """Shown right after a post with crisis language: the post is saved, help is here."""
    post_id = request.args.get("post", type=int)
    return render_template("moderation/support.html", page=get_page("crisis"), post_id=post_id)


@bp.get("/me/moderation")
@login_required
def mine():
    return render_template(
        "moderation/mine.html",
        entries=log.actions_about_member(current_user.id),
        sanctions=sanctions.member_sanctions(current_user),
        form=AppealForm(),
    )


@bp.post("/me/sanctions/<int:sanction_id>/appeal")
@login_required
def appeal(sanction_id: int):
    form = AppealForm()
    if form.validate_on_submit():
        try:
            sanctions.appeal_sanction(current_user, sanction_id, form.text.data)
        except sanctions.SanctionRefused as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Your appeal is sent. An admin who did not make the decision will read it.",
                  "success")  # fmt: skip
    else:
        flash("Please explain your appeal in 10 to 2,000 characters.", "error")
    return redirect(url_for("moderation.mine"))
