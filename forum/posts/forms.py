"""Thread and post forms: shape only; the posts service owns the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired

# Limits are checked by the service after normalisation; the form only asks for presence,
# so that over-long text comes back with a specific message and nothing lost.


class _Confirmable(FlaskForm):
    # Ticked on the second submit, after the author saw the personal-information warning.
    confirm_personal_info = BooleanField("Post it anyway; I'm comfortable sharing this")


class _Anonymous(_Confirmable):
    anonymous = BooleanField("Post anonymously")


class NewThreadForm(_Anonymous):
    title = StringField(
        "Title", validators=[InputRequired(message="Please give your thread a title.")]
    )
    body = TextAreaField(
        "Your post", validators=[InputRequired(message="Please write something before posting.")]
    )


class ReplyForm(_Anonymous):
    body = TextAreaField(
        "Your reply", validators=[InputRequired(message="Please write something before posting.")]
    )


class EditPostForm(_Confirmable):
    title = StringField("Title")
    body = TextAreaField(
        "Your post", validators=[InputRequired(message="Please write something before saving.")]
    )
