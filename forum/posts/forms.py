"""Thread and post forms: shape only; the posts service owns the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired

# Limits are checked by the service after normalisation; the form only asks for presence,
# so that over-long text comes back with a specific message and nothing lost.


class NewThreadForm(FlaskForm):
    title = StringField(
        "Title", validators=[InputRequired(message="Please give your thread a title.")]
    )
    body = TextAreaField(
        "Your post", validators=[InputRequired(message="Please write something before posting.")]
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply", validators=[InputRequired(message="Please write something before posting.")]
    )


class EditPostForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField(
        "Your post", validators=[InputRequired(message="Please write something before saving.")]
    )
