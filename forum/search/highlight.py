"""Highlight markers: the database marks matches, templates escape the text around them.

The backends ask the database to wrap each match in two private-use characters instead of
HTML. `segments` cuts the marked text into (text, matched) pieces, and the template wraps
the matched pieces in <mark> while Jinja escapes every piece. No HTML is ever built from
text, so a post containing "<script>" or "<mark>" shows exactly that, escaped.
"""

from __future__ import annotations

from typing import NamedTuple

START = "\ue000"  # begins a match
END = "\ue001"  # ends a match
# PostgreSQL's headline parser drops anything shaped like an HTML tag; the backend swaps
# "<" for this before ts_headline and `segments` swaps it back.
TAG_GUARD = "\ue002"
ELLIPSIS = "…"
# Longer snippets are cut: a page of results stays small whatever a post holds.
MAX_CHARS = 320


class Segment(NamedTuple):
    """A piece of a title or snippet; `matched` pieces are shown highlighted."""

    text: str
    matched: bool


def segments(marked: str | None, fallback: str = "") -> list[Segment]:
    """Cut marked text into pieces, whitespace collapsed, at most MAX_CHARS characters.

    Markers a member typed themselves can at worst highlight their own words: a piece is
    always plain text, and unmatched markers are simply dropped.
    """
    text = marked if marked is not None else fallback
    text = " ".join(text.replace(TAG_GUARD, "<").split())
    pieces: list[Segment] = []
    matched, budget, buffer = False, MAX_CHARS, []
    for char in text:
        if char in (START, END):
            _flush(pieces, buffer, matched)
            matched = char == START
            continue
        if budget == 0:
            buffer.append(ELLIPSIS)
            break
        buffer.append(char)
        budget -= 1
    _flush(pieces, buffer, matched)
    return pieces


def _flush(pieces: list[Segment], buffer: list[str], matched: bool) -> None:
    if buffer:
        pieces.append(Segment("".join(buffer), matched))
        buffer.clear()
