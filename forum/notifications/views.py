"""The notifications page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum.accounts.forms import ButtonForm
from forum.extensions import db
from forum.notifications import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    notes = services.recent_notifications(current_user.id)
    return render_template("notifications/index.html", notes=notes, form=ButtonForm())


@bp.post("/notifications/read")
@login_required
def mark_read():
    services.mark_all_read(current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"))
