"""Data-rights settings: download my data, delete my account, take a break, new pseudonym.

The forms appear on the settings page (through the `privacy_forms` template global, so the
accounts blueprint need not know this one). A refused form is shown again on a page of
its own, with the error, answering 400.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from forum.accounts.forms import ButtonForm
from forum.db import utcnow
from forum.extensions import db
from forum.privacy import services
from forum.privacy.export import export_member_data
from forum.privacy.forms import BreakForm, DeleteAccountForm, ExportForm, PseudonymForm

bp = Blueprint("privacy", __name__)


@bp.app_template_global()
def privacy_forms() -> dict[str, Any]:
    """Blank data-rights forms and the member's current limits, for the settings page."""
    return {
        "export": ExportForm(prefix="export", formdata=None),
        "delete": DeleteAccountForm(prefix="delete", formdata=None),
        "break": BreakForm(prefix="break", formdata=None),
        "end_break": ButtonForm(formdata=None),
        "pseudonym": PseudonymForm(prefix="rename", formdata=None),
        "next_change_at": services.next_pseudonym_change_at(current_user),
    }


@bp.post("/settings/export")
@login_required
def export():
    form = ExportForm(prefix="export")
    if form.validate_on_submit():
        try:
            services.confirm_password(current_user, form.password.data)
        except services.WrongPassword as error:
            form.password.errors.append(str(error))
        else:
            body = json.dumps(export_member_data(current_user), indent=2, ensure_ascii=False)
            response = Response(body, mimetype="application/json")
            name = f"kindred-data-{utcnow():%Y-%m-%d}.json"
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("privacy/export.html", form=form), 400


@bp.post("/settings/delete")
@login_required
def delete_account():
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        keep_posts = form.posts.data == "keep"
        try:
            services.delete_member(current_user, form.password.data, keep_posts=keep_posts)
        except services.WrongPassword as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            session.clear()
            logout_user()  # after clear(): it marks the remember cookie for deletion
            flash("Your account is deleted. Thank you for being part of Kindred.", "success")
            return redirect(url_for("boards.home"))
    return render_template("privacy/delete_account.html", form=form), 400


@bp.post("/settings/break")
@login_required
def start_break():
    form = BreakForm(prefix="break")
    if form.validate_on_submit():
        try:
            until = services.start_break(current_user, form.period.data, form.until.data)
        except services.BreakInvalid as error:
            form.period.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Enjoy your break. It lasts until {services.format_day(until)}.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("privacy/start_break.html", form=form), 400


@bp.post("/settings/break/end")
@login_required
def end_break():
    if ButtonForm().validate_on_submit():
        services.end_break(current_user)
        db.session.commit()
        flash("Welcome back. Your break has ended.", "success")
    return redirect(url_for("accounts.settings"))


@bp.post("/settings/pseudonym")
@login_required
def change_pseudonym():
    form = PseudonymForm(prefix="rename")
    if form.validate_on_submit():
        try:
            name = services.change_pseudonym(current_user, form.pseudonym.data, form.password.data)
        except services.PseudonymChangeTooSoon as error:
            form.form_errors.append(str(error))
        except services.WrongPassword as error:
            form.password.errors.append(str(error))
        except (services.PseudonymInvalid, services.PseudonymTaken) as error:
            form.pseudonym.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Your pseudonym is now {name}. Use it when you log in.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("privacy/change_pseudonym.html", form=form), 400
