"""Moderation forms: reports, appeals and facilitator actions (shape only)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forum.moderation.actions import REACH_OUT_TEMPLATES
from forum.moderation.reports import REPORT_REASONS
from forum.moderation.sanctions import LADDER
from forum.posts.forms import ChecklistField, warning_choices


def _choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    # WTForms 3.3 deprecates (value, label) tuples; the warning is an error under pytest.
    return [SelectChoice(value, label) for value, label in pairs]


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting this post?",
        choices=[SelectChoice(key, label) for key, (label, _, _) in REPORT_REASONS.items()],
        validators=[InputRequired(message="Please choose a reason.")],
    )
    details = TextAreaField("Anything a facilitator should know? (optional)",
                            validators=[Optional(), Length(max=200)])  # fmt: skip


class WorriedForm(FlaskForm):
    details = TextAreaField(
        "What worries you? (optional)", validators=[Optional(), Length(max=200)]
    )


class AppealForm(FlaskForm):
    text = TextAreaField("Your appeal", validators=[InputRequired(), Length(min=10, max=2000)])


class ItemForm(FlaskForm):
    """Every action on a review item carries the version of the page it was taken from."""

    version = HiddenField(validators=[InputRequired()])
    reason = TextAreaField("Reason or note", validators=[Optional(), Length(max=1000)])


class HideForm(ItemForm):
    reason = TextAreaField("Reason the author will see",
                           validators=[DataRequired(message="Please give a reason."),
                                       Length(max=1000)])  # fmt: skip


class RedactForm(ItemForm):
    text = TextAreaField("New text of the post", validators=[InputRequired(), Length(max=20000)])
    reason = TextAreaField("Note for the author", validators=[DataRequired(), Length(max=1000)])


class WarningForm(ItemForm):
    themes = ChecklistField("Themes", warning_choices())
    warning = StringField("In your own words (none ticked and empty: no warning)",
                          validators=[Length(max=120)])  # fmt: skip


class ThreadForm(ItemForm):
    action = SelectField("Thread", choices=_choices(("lock", "Lock"), ("unlock", "Unlock"),
                                                    ("pin", "Pin"), ("unpin", "Unpin"),
                                                    ("move", "Move to board")))  # fmt: skip
    board = SelectField("Board", choices=[], validate_choice=False)


class MessageForm(ItemForm):
    template = SelectField("Start from", choices=_choices(("", "(write your own)"), *(
                               (k, k.replace("-", " ")) for k in REACH_OUT_TEMPLATES)),
                           validate_choice=False)  # fmt: skip
    message = TextAreaField("Message to the author", validators=[Optional(), Length(max=2000)])


class SanctionForm(ItemForm):
    kind = SelectField("Sanction", choices=_choices(*((k, k.capitalize()) for k in LADDER)))
    days = IntegerField("Days (mute and suspension)",
                        validators=[Optional(), NumberRange(min=1, max=365)])  # fmt: skip
    reason = TextAreaField("Reason the member will see",
                           validators=[DataRequired(message="Please give a reason."),
                                       Length(max=1000)])  # fmt: skip


class BulkForm(FlaskForm):
    action = SelectField(
        "With the selected items", choices=_choices(("approve", "Approve"), ("hide", "Hide"))
    )
    reason = StringField("Reason (needed to hide)", validators=[Length(max=500)])


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=_choices(("uphold", "Uphold"), ("overturn", "Overturn")),
        validators=[InputRequired()],
    )
    reason = TextAreaField("Reason the member will see", validators=[Optional(), Length(max=1000)])
