"""Account forms: shape only. Rules that need the database live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

_PASSWORD = [InputRequired(message="Please enter a password."), Length(max=200)]


def _confirm_field(label: str) -> PasswordField:
    """The "type it again" field that must equal the `password` field."""
    return PasswordField(
        label,
        validators=[
            InputRequired(message="Please type the password again."),
            EqualTo("password", message="The two passwords are not the same."),
        ],
    )


class SignupForm(FlaskForm):
    pseudonym = StringField(
        "Pseudonym",
        validators=[InputRequired(message="Please choose a pseudonym."), Length(max=200)],
    )
    password = PasswordField("Password", validators=_PASSWORD)
    confirm = _confirm_field("Password again")
    accept_guidelines = BooleanField(
        "I have read and accept the community guidelines",
        validators=[DataRequired(message="Please accept the community guidelines to join.")],
    )


class LoginForm(FlaskForm):
    pseudonym = StringField("Pseudonym", validators=[InputRequired(), Length(max=200)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")


class RecoverForm(FlaskForm):
    pseudonym = StringField("Pseudonym", validators=[InputRequired(), Length(max=200)])
    code = StringField("Recovery code", validators=[InputRequired(), Length(max=40)])
    password = PasswordField("New password", validators=_PASSWORD)
    confirm = _confirm_field("New password again")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired(), Length(max=200)])
    password = PasswordField("New password", validators=_PASSWORD)
    confirm = _confirm_field("New password again")


class PasswordConfirmForm(FlaskForm):
    """A button that needs the current password (new recovery codes, account deletion)."""

    password = PasswordField("Your password", validators=[InputRequired(), Length(max=200)])


class ButtonForm(FlaskForm):
    """A button-only POST: it still carries a CSRF token."""
