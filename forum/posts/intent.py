"""Reply intent: what the author of a thread would like from replies."""

from __future__ import annotations

from typing import Any

from forum.extensions import db
from forum.posts.authorship import started
from forum.posts.models import Thread

# key -> (what the author picks, the line shown above the reply box).
INTENTS: dict[str, tuple[str, str]] = {
    "listening": ("just listening", "please listen rather than advise"),
    "advice": ("advice welcome", "ideas and suggestions are welcome"),
    "experiences": ("shared experiences", "it helps to hear from people who have been there"),
}


class IntentRefused(ValueError):
    """Not a reply intent, or not the thread's author; the message says why."""


class NotThreadAuthor(IntentRefused):
    """Only the member who started the thread may change its reply intent."""


def intent_choices() -> list[tuple[str, str]]:
    """The choices of the intent field, "no preference" first."""
    return [("", "No preference"), *((key, label) for key, (label, _) in INTENTS.items())]


def clean_intent(raw: str | None) -> str | None:
    """A stored reply intent (None for no preference), or raise IntentRefused."""
    if not raw:
        return None
    if raw not in INTENTS:
        raise IntentRefused("Please choose one of the options.")
    return raw


def describe_intent(thread: Thread) -> tuple[str, str] | None:
    """(label, request) for the line above the reply box, or None."""
    return INTENTS.get(thread.reply_intent or "")


def set_reply_intent(thread: Thread, user: Any, raw: str | None) -> None:
    """Change what the thread's author would like from replies; only the author may."""
    if not started(user, thread):
        raise NotThreadAuthor("Only the person who started this thread can change this.")
    thread.reply_intent = clean_intent(raw)
    db.session.flush()
