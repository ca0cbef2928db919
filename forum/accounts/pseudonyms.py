"""Pseudonym rules: shape, normalisation, reserved names and friendly suggestions."""

from __future__ import annotations

import secrets
import unicodedata

MIN_LENGTH = 3
MAX_LENGTH = 30
RESERVED = frozenset(
    {
        "admin", "administrator", "moderator", "mod", "facilitator", "anonymous", "anon",
        "system", "kindred", "staff", "support", "root", "official", "help", "crisis",
        "deleted", "former-member", "formermember", "null", "none", "you",
    }
)  # fmt: skip

_ADJECTIVES = (
    "Quiet", "Gentle", "Steady", "Kind", "Calm", "Bright", "Patient", "Hopeful", "Brave",
    "Warm", "Soft", "Still", "Amber", "Silver", "Misty", "Mellow", "Sunny", "Tender",
)  # fmt: skip
_NOUNS = (
    "Heron", "Willow", "Otter", "Harbor", "Maple", "Sparrow", "Fern", "River", "Lantern",
    "Badger", "Meadow", "Pebble", "Wren", "Cedar", "Finch", "Comet", "Moss", "Robin",
)  # fmt: skip


class PseudonymInvalid(ValueError):
    """The pseudonym breaks a rule; the message says which, in plain words."""


def normalise_pseudonym(raw: str) -> tuple[str, str]:
    """Return `(display, key)`: the NFKC form shown to others and the casefolded unique key.

    Rules: 3-30 characters, letters, digits, `_` and `-` only, not a reserved name.
    """
    display = unicodedata.normalize("NFKC", raw.strip())
    if not MIN_LENGTH <= len(display) <= MAX_LENGTH:
        raise PseudonymInvalid(f"A pseudonym is {MIN_LENGTH} to {MAX_LENGTH} characters long.")
    for char in display:
        if not (char in "_-" or unicodedata.category(char)[0] in {"L", "N"}):
            raise PseudonymInvalid(
                "Use only letters, digits, underscores (_) and hyphens (-) in a pseudonym."
            )
    key = unicodedata.normalize("NFKC", display.casefold())
    stripped = key.replace("_", "").replace("-", "")
    if key in RESERVED or stripped in RESERVED:
        raise PseudonymInvalid("That name is reserved. Please choose another pseudonym.")
    return display, key


def suggest_pseudonyms(count: int = 4) -> list[str]:
    """Random friendly pseudonyms such as "QuietHeron"; callers filter out taken ones."""
    return [
        secrets.choice(_ADJECTIVES) + secrets.choice(_NOUNS) + str(secrets.randbelow(90) + 10)
        for _ in range(count)
    ]
