"""Data-rights forms: shape only. Rules that need the database live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional


def _password() -> PasswordField:
    return PasswordField("Your password", validators=[InputRequired(), Length(max=200)])


class ExportForm(FlaskForm):
    """Download my data: the password is asked again, as the file holds everything."""

    password = _password()


class DeleteAccountForm(FlaskForm):
    """Delete the account, choosing what happens to the posts.

    "keep" is pre-selected and is also what a form without the choice means: deleting
    every post is the irreversible option, so it is only ever taken when chosen.
    """

    posts = RadioField(
        "What should happen to your posts?",
        choices=[
            SelectChoice("keep", "Keep my posts, anonymised: shown as by “a former member”"),
            SelectChoice("delete", "Delete all my posts"),
        ],
        default="keep",
    )
    password = _password()


class BreakForm(FlaskForm):
    """Take a break for a set period or until a date."""

    period = RadioField(
        "How long?",
        choices=[
            SelectChoice("day", "1 day"),
            SelectChoice("week", "1 week"),
            SelectChoice("month", "1 month"),
            SelectChoice("date", "Until a date"),
        ],
        validators=[InputRequired(message="Please choose how long your break lasts.")],
    )
    until = DateField("Date (if you chose “Until a date”)", validators=[Optional()])


class PseudonymForm(FlaskForm):
    """A new pseudonym; the password confirms it, as the pseudonym is the login name."""

    pseudonym = StringField(
        "New pseudonym",
        validators=[InputRequired(message="Please choose a pseudonym."), Length(max=200)],
    )
    password = _password()
