"""Thread pages: read, start, reply, edit, withdraw, permalinks and revisions."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum import events
from forum.accounts.forms import ButtonForm
from forum.boards.services import get_board, is_facilitator
from forum.extensions import db, limiter
from forum.posts import services
from forum.posts.authorship import started
from forum.posts.forms import EditPostForm, IntentForm, NewThreadForm, ReplyForm
from forum.posts.intent import IntentRefused, NotThreadAuthor, describe_intent, set_reply_intent

bp = Blueprint("posts", __name__)


def _per_page() -> int:
    return current_app.config["FORUM_POSTS_PER_PAGE"]


def _post_limit() -> str:
    return current_app.config["RATELIMIT_POST"]


def _attach(form, error: services.PostRejected) -> None:  # type: ignore[no-untyped-def]
    getattr(form, error.field).errors.append(str(error))


@bp.route("/b/<slug>/new", methods=["GET", "POST"])
@login_required
@limiter.limit(_post_limit, methods=["POST"])
def new_thread(slug: str):
    board = get_board(slug) or abort(404)
    form, warnings = NewThreadForm(), None
    if form.validate_on_submit():
        try:
            thread = services.create_thread(
                board, current_user, form.title.data, form.body.data,
                confirm_personal_info=form.confirm_personal_info.data,
                anonymous=form.anonymous.data, **_warnings_of(form),
                reply_intent=form.reply_intent.data,
            )  # fmt: skip
        except services.PostRejected as error:
            _attach(form, error)
        except services.PersonalInfoFound as found:
            warnings = found.reasons
        else:
            db.session.commit()
            return _after_posting(thread.first_post, thread.precheck)
    status = 400 if form.is_submitted() else 200
    page = render_template("posts/new_thread.html", board=board, form=form, warnings=warnings)
    return page, status


def _reply_form(thread):  # type: ignore[no-untyped-def]
    """The reply box; in a thread the member started anonymously, anonymous by default."""
    form = ReplyForm()
    if thread.is_anonymous and started(current_user, thread):
        form.anonymous.data = True
    return form


def _after_posting(post, precheck):  # type: ignore[no-untyped-def]
    """Crisis language: the author sees support and resources straight away."""
    if precheck.crisis:
        return redirect(url_for("moderation.support", post=post.id))
    if post.state == "held":
        flash("Your post is saved and waiting for a facilitator before others see it.", "info")
    if post.number == 1:
        return redirect(url_for("posts.thread", thread_id=post.thread_id))
    return redirect(_permalink(post))


def _visible_thread(thread_id: int):  # type: ignore[no-untyped-def]
    """The thread and whether the member facilitates its board; 404 if they may not see it."""
    thread = services.get_thread(thread_id) or abort(404)
    moderator = is_facilitator(current_user, thread.board_id)
    if not services.can_see_thread(current_user, thread, moderator):
        abort(404)
    return thread, moderator


@bp.get("/t/<int:thread_id>")
@login_required
def thread(thread_id: int):
    thread, moderator = _visible_thread(thread_id)
    pages = services.page_count(thread, _per_page())
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        abort(400, "That page link is not valid.")
    if page == -1 or page > pages:
        return redirect(url_for("posts.thread", thread_id=thread_id, page=pages))
    if page < 1:
        abort(400)
    posts = services.thread_page(thread, page, _per_page())
    shown_up_to = max((post.number for post in posts), default=0)
    events.thread_viewed.send(thread, member=current_user, shown_up_to=shown_up_to)
    html = render_template(
        "posts/thread.html", thread=thread, posts=posts, page=page, pages=pages,
        form=_reply_form(thread), moderator=moderator,
        intent=describe_intent(thread), intent_form=_intent_form(thread),
    )  # fmt: skip
    db.session.commit()  # after rendering, so nothing shown is reloaded: the read mark
    return html


def _intent_form(thread):  # type: ignore[no-untyped-def]
    """The thread author's "what would help" choice; nobody else gets the form."""
    if not started(current_user, thread):
        return None
    return IntentForm(prefix="intent", formdata=None, reply_intent=thread.reply_intent or "")


@bp.post("/t/<int:thread_id>/intent")
@login_required
def change_intent(thread_id: int):
    thread, _moderator = _visible_thread(thread_id)
    form = IntentForm(prefix="intent")
    if not form.validate_on_submit():
        abort(400)
    try:
        set_reply_intent(thread, current_user, form.reply_intent.data)
    except NotThreadAuthor:
        abort(403)
    except IntentRefused as error:
        abort(400, str(error))
    db.session.commit()
    flash("Saved: the reply box now says what would help you.", "success")
    return redirect(url_for("posts.thread", thread_id=thread.id, _anchor="reply-heading"))


@bp.post("/t/<int:thread_id>/reply")
@login_required
@limiter.limit(_post_limit)
def reply(thread_id: int):
    thread = services.get_thread(thread_id) or abort(404)
    if thread.is_locked:
        abort(403)  # before validating: a locked thread never offers a form to fix
    form, warnings = ReplyForm(), None
    if form.validate_on_submit():
        try:
            post = services.create_reply(
                thread, current_user, form.body.data,
                confirm_personal_info=form.confirm_personal_info.data,
                anonymous=form.anonymous.data, **_warnings_of(form),
            )  # fmt: skip
        except services.PostRejected as error:
            _attach(form, error)
        except services.PersonalInfoFound as found:
            warnings = found.reasons
        except services.ThreadLocked:
            abort(403)
        else:
            db.session.commit()
            return _after_posting(post, post.precheck)
    page = render_template("posts/reply.html", thread=thread, form=form, warnings=warnings)
    return page, 400


@bp.get("/p/<int:post_id>")
@login_required
def permalink(post_id: int):
    post = services.get_post(post_id) or abort(404)
    moderator = is_facilitator(current_user, post.thread.board_id)
    if not services.can_see_post(current_user, post, moderator):
        abort(404)
    return redirect(_permalink(post))


def _permalink(post) -> str:  # type: ignore[no-untyped-def]
    page = services.page_of(post, _per_page())
    return url_for("posts.thread", thread_id=post.thread_id, page=page, _anchor=f"p{post.id}")


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = services.get_post(post_id) or abort(404)
    if not services.can_edit(current_user, post):
        abort(403)
    form, warnings = (
        EditPostForm(obj=None if request.method == "POST" else _edit_defaults(post)),
        None,
    )
    if form.validate_on_submit():
        title = form.title.data if post.number == 1 else None
        try:
            services.edit_post(post, form.body.data, title,
                               confirm_personal_info=form.confirm_personal_info.data,
                               **_warnings_of(form))  # fmt: skip
        except services.PostRejected as error:
            _attach(form, error)
        except services.PersonalInfoFound as found:
            warnings = found.reasons
        else:
            db.session.commit()
            precheck = getattr(post, "precheck", None)  # unset when nothing changed
            if precheck is not None and precheck.crisis:
                return _after_posting(post, precheck)
            flash("Your post is updated.", "success")
            return redirect(_permalink(post))
    status = 400 if form.is_submitted() else 200
    return render_template("posts/edit.html", post=post, form=form, warnings=warnings), status


def _edit_defaults(post):  # type: ignore[no-untyped-def]
    return SimpleNamespace(title=post.thread.title, body=post.body_source,
                           content_warnings=post.warning_keys,
                           custom_warning=post.content_warning or "")  # fmt: skip


def _warnings_of(form) -> dict:  # type: ignore[no-untyped-def]
    """The content warnings the author picked, as the posts service takes them."""
    return {"content_warnings": form.content_warnings.data or [],
            "custom_warning": form.custom_warning.data or ""}  # fmt: skip


@bp.post("/p/<int:post_id>/withdraw")
@login_required
def withdraw(post_id: int):
    post = services.get_post(post_id) or abort(404)
    if not services.can_edit(current_user, post) or not ButtonForm().validate_on_submit():
        abort(403)
    services.withdraw_post(post)
    db.session.commit()
    flash("Your post is withdrawn.", "success")
    return redirect(_permalink(post))


@bp.get("/p/<int:post_id>/withdraw")
@login_required
def confirm_withdraw(post_id: int):
    post = services.get_post(post_id) or abort(404)
    if not services.can_edit(current_user, post):
        abort(403)
    return render_template("posts/confirm_withdraw.html", post=post, form=ButtonForm())


@bp.get("/p/<int:post_id>/revisions")
@login_required
def revisions(post_id: int):
    post = services.get_post(post_id) or abort(404)
    if not services.can_view_revisions(current_user, post):
        abort(403)
    return render_template(
        "posts/revisions.html", post=post, revisions=services.post_revisions(post)
    )
