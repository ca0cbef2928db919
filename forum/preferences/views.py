"""Settings page for muted themes and words, and the thread page's mute check."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.extensions import db
from forum.preferences import services
from forum.preferences.forms import MuteForm

bp = Blueprint("preferences", __name__)


@bp.app_template_global("muted_reasons")
def muted_reasons(posts):  # type: ignore[no-untyped-def]
    """For templates: post id -> why the current member's mutes fold it away."""
    return services.muted_reasons(current_user, posts)


@bp.route("/settings/muted", methods=["GET", "POST"])
@login_required
def muted():
    form = MuteForm(obj=None if request.method == "POST" else _current())
    if form.validate_on_submit():
        try:
            services.save_mutes(current_user.id, form.themes.data or [], form.words.data or "")
        except services.MutesInvalid as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash("Your muted themes and words are saved.", "success")
            return redirect(url_for("preferences.muted"))
    status = 400 if form.is_submitted() else 200
    page = render_template("preferences/muted.html", form=form, limits=services)
    return page, status


def _current() -> SimpleNamespace:
    mutes = services.get_mutes(current_user.id)
    if mutes is None:
        return SimpleNamespace(themes=[], words="")
    return SimpleNamespace(themes=mutes.theme_keys, words="\n".join(mutes.word_list))
