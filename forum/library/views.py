"""What helped: a board's list, suggesting a post, the author's consent page, removal."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.accounts.forms import ButtonForm
from forum.boards.services import get_board, is_facilitator
from forum.extensions import db
from forum.library import services
from forum.library.forms import ConsentForm
from forum.posts.services import get_post

bp = Blueprint("library", __name__)


@bp.get("/b/<slug>/what-helped")
@login_required
def board(slug: str):
    board = get_board(slug) or abort(404)
    before = request.args.get("before", type=int)
    entries, older = services.library_page(board, current_user, before)
    return render_template(
        "library/board.html", board=board, entries=entries, older=older, newer=before,
        moderator=is_facilitator(current_user, board.id), form=ButtonForm(),
    )  # fmt: skip


@bp.post("/p/<int:post_id>/what-helped")
@login_required
def nominate(post_id: int):
    post = get_post(post_id) or abort(404)
    try:
        services.nominate_post(post, current_user)
    except services.NotAllowed:
        abort(403)
    except services.LibraryRefused as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Thank you. The author is asked whether they would like it in What helped; "
              "it appears there only if they say yes.", "success")  # fmt: skip
    return redirect(url_for("posts.permalink", post_id=post.id))


@bp.get("/what-helped/<int:entry_id>")
@login_required
def consent(entry_id: int):
    entry = _own_entry(entry_id)
    return _consent_page(entry, ConsentForm())


@bp.post("/what-helped/<int:entry_id>")
@login_required
def decide(entry_id: int):
    entry, form = _own_entry(entry_id), ConsentForm()
    if not form.validate_on_submit():
        return _consent_page(entry, form, 400)
    try:
        entry = services.answer_suggestion(entry.id, current_user, form.answer.data == "yes")
    except services.LibraryRefused as error:
        flash(str(error), "error")
        return _consent_page(entry, form, 409)
    db.session.commit()
    flash("Thank you: your post is in What helped." if entry.state == "accepted"
          else "Understood: your post is not in What helped.", "success")  # fmt: skip
    return redirect(url_for("library.consent", entry_id=entry.id))


@bp.post("/what-helped/<int:entry_id>/remove")
@login_required
def remove(entry_id: int):
    try:
        board = services.remove_entry(entry_id, current_user)
    except services.EntryNotFound:
        abort(404)
    except services.NotAllowed:
        abort(403)
    db.session.commit()
    flash("The post is taken out of What helped.", "success")
    return redirect(url_for("library.board", slug=board.slug))


@bp.get("/me/what-helped")
@login_required
def mine():
    return render_template("library/mine.html", rows=services.entries_of(current_user.id))


def _own_entry(entry_id: int):  # type: ignore[no-untyped-def]
    try:
        return services.entry_for_author(entry_id, current_user)
    except services.EntryNotFound:
        abort(404)


def _consent_page(entry, form, status: int = 200):  # type: ignore[no-untyped-def]
    post = entry.post
    return render_template(
        "library/consent.html", entry=entry, post=post, form=form,
        credit=services.credit_for(post), excerpt=services.excerpt_of(post),
    ), status  # fmt: skip
