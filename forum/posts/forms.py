"""Thread and post forms: shape only; the posts service owns the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from forum.posts.intent import intent_choices
from forum.posts.warnings import WARNINGS

# Limits are checked by the service after normalisation; the form only asks for presence,
# so that over-long text comes back with a specific message and nothing lost.


class ChecklistField(SelectMultipleField):
    """Several choices as a list of checkboxes (the service checks the values)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: str, choices: list[SelectChoice], **kwargs: object) -> None:
        super().__init__(label, choices=choices, validate_choice=False, **kwargs)


def warning_choices() -> list[SelectChoice]:
    """The content-warning themes, as checkbox choices."""
    return [SelectChoice(key, label) for key, label in WARNINGS.items()]


class _Warnings(FlaskForm):
    content_warnings = ChecklistField("Content warnings", warning_choices())
    custom_warning = StringField("Another warning, in your own words")


class _Confirmable(FlaskForm):
    # Ticked on the second submit, after the author saw the personal-information warning.
    confirm_personal_info = BooleanField("Post it anyway; I'm comfortable sharing this")


class _Anonymous(_Confirmable):
    anonymous = BooleanField("Post anonymously")


def _intent_field() -> SelectField:
    """What the author would like from replies; the service checks the value."""
    choices = [SelectChoice(key, label) for key, label in intent_choices()]
    return SelectField("What would help most?", choices=choices, validate_choice=False)


class NewThreadForm(_Anonymous, _Warnings):
    title = StringField(
        "Title", validators=[InputRequired(message="Please give your thread a title.")]
    )
    body = TextAreaField(
        "Your post", validators=[InputRequired(message="Please write something before posting.")]
    )
    reply_intent = _intent_field()


class IntentForm(FlaskForm):
    """The thread author's choice of what would help, changed on the thread page."""

    reply_intent = _intent_field()


class ReplyForm(_Anonymous, _Warnings):
    body = TextAreaField(
        "Your reply", validators=[InputRequired(message="Please write something before posting.")]
    )


class EditPostForm(_Confirmable, _Warnings):
    title = StringField("Title")
    body = TextAreaField(
        "Your post", validators=[InputRequired(message="Please write something before saving.")]
    )
