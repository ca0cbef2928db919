"""Muted themes and words: saving a member's list and folding away the posts it matches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from forum.extensions import db
from forum.posts import warnings
from forum.posts.authorship import wrote
from forum.posts.models import Post
from forum.preferences.models import MuteList
from forum.security.sanitize import plain_text
from forum.security.text import TextRefused, normalise_text

MAX_WORDS, WORD_MAX = 30, 40
RAW_MAX = 4000  # the whole box, before splitting: far more than 30 words of 40 characters
_SEPARATORS = re.compile(r"[\n,]")


class MutesInvalid(ValueError):
    """The mute list breaks a rule. `field` names the form field to attach it to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def clean_words(raw: str) -> list[str]:
    """Words and phrases, one per line or comma-separated: trimmed, without duplicates."""
    if len(raw) > RAW_MAX:
        raise MutesInvalid("words", f"That list is too long: at most {MAX_WORDS} words or "
                           f"phrases of {WORD_MAX} characters each.")  # fmt: skip
    try:
        text = normalise_text(raw)
    except TextRefused as error:
        raise MutesInvalid("words", str(error)) from None
    words: dict[str, str] = {}
    for part in _SEPARATORS.split(text):
        word = " ".join(part.split())
        if not word:
            continue
        if len(word) > WORD_MAX:
            raise MutesInvalid("words", f"“{word[:WORD_MAX]}…” is longer than {WORD_MAX} "
                               "characters. Please shorten it.")  # fmt: skip
        if not any(char.isalnum() for char in word):
            raise MutesInvalid("words", f"“{word}” has no letters or numbers, so it would "
                               "never match. Please remove it.")  # fmt: skip
        words.setdefault(word.casefold(), word)
    if len(words) > MAX_WORDS:
        raise MutesInvalid("words", f"You can mute up to {MAX_WORDS} words or phrases; "
                           f"this list has {len(words)}.")  # fmt: skip
    return list(words.values())


def save_mutes(user_id: int, themes: Sequence[str], raw_words: str) -> MuteList | None:
    """Replace the member's mute list; an empty one is deleted. Raises MutesInvalid."""
    try:
        keys = warnings.join_keys(themes) or ""
    except warnings.WarningInvalid as error:
        raise MutesInvalid("themes", str(error)) from None
    words = clean_words(raw_words)
    mutes = get_mutes(user_id)
    if not keys and not words:
        if mutes is not None:
            db.session.delete(mutes)
            db.session.flush()
        return None
    if mutes is None:
        mutes = MuteList(user_id=user_id)
        db.session.add(mutes)
    mutes.replace(keys, words)
    db.session.flush()
    return mutes


def get_mutes(user_id: int) -> MuteList | None:
    """The member's mute list, if they have one (one primary-key lookup)."""
    return db.session.get(MuteList, user_id)


@dataclass(frozen=True)
class Muter:
    """A member's mute list compiled once, to test a page of posts in Python."""

    themes: frozenset[str]
    words: tuple[str, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, mutes: MuteList) -> Muter:
        words = tuple(mutes.word_list)
        return cls(frozenset(mutes.theme_keys), words, _word_pattern(words))

    def reason(self, post: Post) -> str | None:
        """Why the post is folded away for this member, or None."""
        for key in post.warning_keys:
            if key in self.themes:
                return f"you muted the theme {warnings.WARNINGS[key]}"
        found = self.pattern.search(plain_text(post.body_html)) if self.pattern else None
        if found is None:
            return None
        word = self.words[int(str(found.lastgroup)[1:])]
        return f"you muted the {'phrase' if ' ' in word else 'word'} “{word}”"


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, any case, any run of spaces between a phrase's words."""
    spaces = r"\s+"
    parts = [
        f"(?P<w{index}>{spaces.join(re.escape(token) for token in word.split())})"
        for index, word in enumerate(words)
    ]
    if not parts:
        return None
    # Longest first, so that "feeling low" wins over "low" at the same place.
    parts.sort(key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def muted_reasons(viewer: Any, posts: Iterable[Post]) -> dict[int, str]:
    """Post id -> why it is folded away for `viewer`; their own posts never are.

    One query at most (the mute list), whatever the number of posts.
    """
    if not getattr(viewer, "is_authenticated", False):
        return {}
    mutes = get_mutes(viewer.id)
    if mutes is None:
        return {}
    muter = Muter.of(mutes)
    reasons = {}
    for post in posts:
        if wrote(viewer, post) or post.is_withdrawn:
            continue
        if (reason := muter.reason(post)) is not None:
            reasons[post.id] = reason
    return reasons


def export_mutes(user_id: int) -> dict[str, list[str]]:
    """The member's muted themes and words, for their data export."""
    mutes = get_mutes(user_id)
    if mutes is None:
        return {"themes": [], "words": []}
    return {"themes": mutes.theme_keys, "words": mutes.word_list}
