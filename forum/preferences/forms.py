"""The muted themes and words form (shape only; the service checks counts and lengths)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField

from forum.posts.forms import ChecklistField, warning_choices


class MuteForm(FlaskForm):
    themes = ChecklistField("Themes to fold away", warning_choices())
    words = TextAreaField("Words and phrases to fold away")
