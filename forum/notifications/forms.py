"""Notification forms: shape only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField


class PreferencesForm(FlaskForm):
    """What a member wants to hear about. Moderation messages are not a choice."""

    replies = BooleanField("Replies in threads I follow")
    new_threads = BooleanField("New threads in boards I follow")
    mentions = BooleanField("When someone mentions me as @pseudonym")
    reactions = BooleanField("Reactions to my posts")
    auto_follow = BooleanField("Follow threads I reply to")
