"""Content warnings: a closed list of themes a post can carry, plus one line of free text.

Posts store the chosen keys comma-separated (`post.content_warning_keys`, in list order)
and the free text in `post.content_warning`; members mute themes by the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from forum.security.text import TextRefused, normalise_text

# key -> label. Keys are stored, so never rename one; labels may change freely.
WARNINGS: dict[str, str] = {
    "self-harm": "self-harm",
    "suicide": "suicide",
    "abuse": "abuse",
    "eating": "eating",
    "substance-use": "substance use",
    "loss": "loss",
}
CUSTOM_MAX = 120


class WarningInvalid(ValueError):
    """A warning key is not on the list, or the free text breaks a rule."""


def parse_keys(stored: str | None) -> list[str]:
    """The keys of a stored list, skipping any that are no longer on the list."""
    return [key for key in (stored or "").split(",") if key in WARNINGS]


def join_keys(keys: Iterable[str]) -> str | None:
    """The stored form of chosen keys (list order, no duplicates); None when there are none."""
    chosen = set(keys)
    unknown = chosen - WARNINGS.keys()
    if unknown:
        raise WarningInvalid("Please choose warnings from the list.")
    return ",".join(key for key in WARNINGS if key in chosen) or None


def clean_custom(raw: str | None) -> str | None:
    """One line of the author's own words, at most 120 characters; None when empty."""
    try:
        text = " ".join(normalise_text(raw or "", multiline=False).split())
    except TextRefused as error:
        raise WarningInvalid(str(error)) from None
    if len(text) > CUSTOM_MAX:
        raise WarningInvalid(
            f"A content warning is at most {CUSTOM_MAX} characters; this one has {len(text)}."
        )
    return text or None


def labels(keys: Iterable[str], custom: str | None = None) -> list[str]:
    """What readers see: the labels of the keys, then the free text."""
    shown = [WARNINGS[key] for key in keys if key in WARNINGS]
    return shown + [custom] if custom else shown
