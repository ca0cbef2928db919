"""Reaction form: shape only; the reactions service owns the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf, InputRequired

from forum.reactions.models import KINDS


class ReactionForm(FlaskForm):
    """One button per kind; the pressed button sends its kind."""

    kind = StringField("Reaction", validators=[InputRequired(), AnyOf(list(KINDS))])
