"""Rules for text members type: refuse what cannot be shown safely, normalise the rest.

Normalisation happens before rendering and sanitising, never after: normalising sanitised
HTML could turn full-width look-alikes (＜script＞) into real markup.
"""

from __future__ import annotations

import unicodedata

_ALLOWED_CONTROLS = {"\n", "\t"}
# Bidirectional overrides and isolates can disguise a title ("txt.exe" shown as "exe.txt").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class TextRefused(ValueError):
    """The text contains characters Kindred will not store; the message says which."""


def normalise_text(value: str, *, multiline: bool = True) -> str:
    """Return `value` in NFC with Unix newlines, or raise TextRefused.

    Refused: NUL and other control characters (tab and newline are fine in bodies), and
    lone surrogates, which no valid UTF-8 can produce.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    for char in value:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise TextRefused("This text contains an invalid character (a lone surrogate).")
        if char == "\x00":
            raise TextRefused("This text contains a NUL character, which cannot be saved.")
        if not multiline and char in _BIDI_CONTROLS:
            raise TextRefused(
                f"This text contains a text-direction control (U+{code:04X}); please remove it."
            )
        if unicodedata.category(char) == "Cc" and not (multiline and char in _ALLOWED_CONTROLS):
            raise TextRefused(
                f"This text contains a control character (U+{code:04X}), which cannot be saved."
            )
    return unicodedata.normalize("NFC", value)
