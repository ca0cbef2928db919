"""Account pages: sign-up, login, logout, recovery, settings and profiles.

The data-rights parts of the settings page (export, deletion, breaks, pseudonym changes)
are served by `forum.privacy.views`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forum.accounts import services
from forum.accounts.forms import (
    ButtonForm,
    ChangePasswordForm,
    LoginForm,
    PasswordConfirmForm,
    RecoverForm,
    SignupForm,
)
from forum.extensions import db, limiter
from forum.posts.services import recent_posts_by

bp = Blueprint("accounts", __name__)


def _rate(name: str):  # type: ignore[no-untyped-def]
    """A limit read from config at request time, counted for POSTs only."""
    from flask import current_app

    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


def _sign_in(user, remember: bool) -> None:  # type: ignore[no-untyped-def]
    session.clear()  # a fresh session at every login: nothing carries over
    g.pop("csrf_token", None)  # Flask-WTF caches the old session's token per request
    services.start_login_session(user, remember=remember)
    db.session.commit()
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@_rate("RATELIMIT_SIGNUP")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.create_account(form.pseudonym.data, form.password.data)
        except (services.PseudonymInvalid, services.PseudonymTaken) as error:
            form.pseudonym.errors.append(str(error))
        except services.PasswordRejected as error:
            form.password.errors.append(str(error))
        else:
            codes = services.issue_recovery_codes(user)
            _sign_in(user, remember=False)
            return render_template("accounts/recovery_codes.html", codes=codes, new_member=True)
    suggestions = services.available_pseudonym_suggestions()
    return render_template("accounts/signup.html", form=form, suggestions=suggestions)


@bp.route("/login", methods=["GET", "POST"])
@_rate("RATELIMIT_LOGIN")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.pseudonym.data, form.password.data)
        except services.LoginFailed:
            form.form_errors.append("The pseudonym or password is wrong.")
        else:
            _sign_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.pseudonym}.", "success")
            return redirect(url_for("boards.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    if ButtonForm().validate_on_submit():
        services.end_login_session(current_user.login_token)
        db.session.commit()
        session.clear()
        logout_user()  # after clear(): it marks the remember cookie for deletion
        flash("You are logged out. Take care.", "success")
    return redirect(url_for("boards.home"))


@bp.route("/recover", methods=["GET", "POST"])
@_rate("RATELIMIT_RECOVER")
def recover():
    form = RecoverForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password_with_code(
                form.pseudonym.data, form.code.data, form.password.data
            )
        except services.RecoveryFailed:
            form.form_errors.append("The pseudonym or recovery code is wrong, or was used.")
        except services.PasswordRejected as error:
            form.password.errors.append(str(error))
        else:
            left = services.unused_recovery_code_count(user)
            db.session.commit()
            flash(f"Your password is changed. You have {left} recovery codes left.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/recover.html", form=form)


@bp.get("/settings")
@login_required
def settings():
    return render_template(
        "accounts/settings.html",
        password_form=ChangePasswordForm(),
        codes_form=PasswordConfirmForm(prefix="codes"),
        codes_left=services.unused_recovery_code_count(current_user),
    )


@bp.post("/settings/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.WrongPassword as error:
            form.current.errors.append(str(error))
        except services.PasswordRejected as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash("Your password is changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.settings"))
    return _settings_with(password_form=form), 400


@bp.post("/settings/recovery-codes")
@login_required
def regenerate_codes():
    form = PasswordConfirmForm(prefix="codes")
    if form.validate_on_submit():
        try:
            services.confirm_password(current_user, form.password.data)
        except services.WrongPassword as error:
            form.password.errors.append(str(error))
        else:
            codes = services.issue_recovery_codes(current_user)
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, new_member=False)
    return _settings_with(codes_form=form), 400


def _settings_with(**forms):  # type: ignore[no-untyped-def]
    context = {
        "password_form": ChangePasswordForm(formdata=None),
        "codes_form": PasswordConfirmForm(prefix="codes", formdata=None),
        "codes_left": services.unused_recovery_code_count(current_user),
    }
    context.update(forms)
    return render_template("accounts/settings.html", **context)


@bp.get("/u/<pseudonym>")
@login_required
def profile(pseudonym: str):
    member = services.find_user(pseudonym)
    if member is None:
        abort(404)
    # A member on a break shows no recent activity to others ("take a break").
    hidden = member.is_on_break() and member.id != current_user.id
    posts = [] if hidden else recent_posts_by(member)
    return render_template("accounts/profile.html", member=member, posts=posts, hidden=hidden)
