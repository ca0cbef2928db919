"""The author's answer to a What helped suggestion (shape only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf, InputRequired


class ConsentForm(FlaskForm):
    # Sent by one of two buttons, name="answer", value "yes" or "no".
    answer = StringField(validators=[InputRequired(), AnyOf(["yes", "no"])])
