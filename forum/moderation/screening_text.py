"""Text helpers for screening: normalisation, phrase patterns, and what a regex starts with.

Everything here works on text that has already been through `normalise`, so the
patterns only ever see straight quotes, single spaces and casefolded letters. Reading a
match's context (quotes, negation, tense, who it is about) lives in `screening_context`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

# Typographic quotes become ASCII, so one apostrophe in a phrase covers don't, dont and don’t.
_FOLD = str.maketrans(
    dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u0060\u00b4\u2032", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"')
    | dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff")  # soft hyphen, zero-width: dropped
)
# Runs of horizontal space other than a lone " ": replacing only those gives what replacing
# every run would, without rewriting each ordinary space.
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_SPACE_AT_NEWLINE = re.compile(r" ?\n ?")
_SEPARATORS = re.compile(r"[\s\-]+")
SEPARATOR = r"[\s\-]+"
# Ends a phrase that finishes on a letter or digit, so "kms" never matches inside "kmsx".
_WORD_END = r"(?!\w)"


def normalise(text: str) -> str:
    """Return `text` as rules see it: NFKC, straight quotes, casefolded, single spaces."""
    if text.isascii():  # NFKC leaves ASCII alone and only the backtick is folded
        text = text.replace("`", "'").lower()
    else:
        text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    text = _HORIZONTAL_SPACE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Whitespace ends up as a lone space or newlines, which lets rule prefixes be exact.
    return _SPACE_AT_NEWLINE.sub("\n", text) if "\n" in text else text


def canonical(phrase: str) -> str:
    """Return the spelling-free form of a phrase or matched text: no apostrophes, single spaces."""
    return _SEPARATORS.sub(" ", phrase.replace("'", "")).strip()


def starts_with_word(phrase: str) -> bool:
    """Whether a normalised phrase begins with a letter or digit (and so needs a word start)."""
    return bool(re.match(r"\w", phrase))


def literals_pattern(strings: Iterable[str]) -> str:
    """Return a trie regex matching any of `strings` exactly, longest first."""
    trie: dict[str, dict] = {}
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(re.escape(char), {})
        node[""] = {"tail": ""}
    return _trie_pattern(trie)


def phrases_pattern(phrases: Iterable[str], wildcard: bool = False) -> str:
    """Return one regex for normalised `phrases`, factored as a trie so scanning stays cheap.

    Spaces and hyphens match any run of whitespace or hyphens, an apostrophe is optional,
    and a phrase ending in a letter or digit must end on a word boundary. With `wildcard`,
    a `*` matches the rest of a word ("overdos*" finds overdose and overdosing). Longer
    phrases are tried first. The caller adds the leading word boundary.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for symbol in _symbols(phrase, wildcard):
            node = node.setdefault(symbol, {})
        ends_in_word = re.search(r"\w$", phrase) or (wildcard and phrase.endswith("*"))
        node[""] = {"tail": _WORD_END if ends_in_word else ""}
    return _trie_pattern(trie)


def _symbols(phrase: str, wildcard: bool = False) -> list[str]:
    """Split a phrase into regex pieces: separators, optional apostrophes and escaped characters."""
    symbols: list[str] = []
    for part in re.findall(r"[\s\-]+|'|.", phrase.strip()):
        if _SEPARATORS.fullmatch(part):
            symbols.append(SEPARATOR)
        elif part == "'":
            symbols.append("'?")
        elif wildcard and part == "*":
            symbols.append(r"\w*")
        else:
            symbols.append(re.escape(part))
    return symbols


def _trie_pattern(node: dict[str, dict]) -> str:
    """Render a trie node: children first (longest match wins), then the end of a phrase."""
    branches = [_chain(symbol, child) for symbol, child in node.items() if symbol]
    if "" in node:
        branches.append(node[""]["tail"])
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _chain(symbol: str, node: dict[str, dict]) -> str:
    """Follow a run of single-child nodes in a loop, so recursion only happens at branches."""
    run = [symbol]
    while len(node) == 1 and "" not in node:
        ((symbol, node),) = node.items()
        run.append(symbol)
    return "".join(run) + _trie_pattern(node)


# Reading a regex's parse tree (the one `re` compiles) to learn what text its matches start
# with. Anything unexpected gives up, which only costs speed, never a match. The text is
# normalised, so its only whitespace is a lone space or a run of newlines.
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_MAX_PREFIXES = 64
_MAX_CLASS = 10
_WHITESPACE = frozenset({" ", "\n"})
_ONE_CHARACTER = {sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY}
_SEPARATOR_CHARS = _WHITESPACE | {"-"}
_Items = Sequence[tuple[Any, Any]]
_Prefixes = tuple[set[str], set[str]]  # (open: the whole item was literal, closed: stopped early)


def _parse(pattern: str) -> _Items | None:
    """The parse tree of `pattern`, or None when it is case-insensitive or cannot be read."""
    try:
        parsed = sre_parse.parse(pattern, re.MULTILINE)
    except Exception:  # re's parser is private and may change; giving up only costs speed
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed.data


def literal_prefixes(pattern: str) -> set[str] | None:
    """Literal strings one of which starts every match of `pattern` on normalised text.

    None when that cannot be told (then the rule is scanned for on its own).
    """
    items = _parse(pattern)
    if items is None:
        return None
    opened, closed = _sequence(items)
    prefixes = opened | closed
    return None if not prefixes or "" in prefixes else prefixes


def _sequence(items: _Items) -> _Prefixes:
    """Prefixes of items one after another: open ones grow with each literal item."""
    opened, closed = {""}, set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        item_open, item_closed = _item(op, av)
        if len(opened) * (len(item_open) + len(item_closed)) > _MAX_PREFIXES:
            room = _MAX_PREFIXES // len(opened)
            cut = _shortened(item_open | item_closed, room)
            return set(), closed | {a + b for a in opened for b in cut}
        closed |= {a + b for a in opened for b in item_closed}
        opened = {a + b for a in opened for b in item_open}
        if not opened:
            break
    return opened, closed


def _shortened(options: set[str], room: int) -> set[str]:
    """Cut options to their first few characters (still true prefixes) until `room` remain."""
    for length in range(max(map(len, options), default=0), 0, -1):
        cut = {option[:length] for option in options}
        if len(cut) <= room:
            return cut
    return {""}


def _item(op: Any, av: Any) -> _Prefixes:
    """Prefixes of one parsed item: a literal, a small class, a group, a branch or a repeat."""
    if op is sre.LITERAL:
        return {chr(av)}, set()
    if op is sre.IN:
        chars = _class_chars(av)
        return _unknown() if chars is None else (chars, set())
    if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _sequence(av[3])
    if op is sre.BRANCH:
        branches = [_sequence(branch) for branch in av[1]]
        return set().union(*(b[0] for b in branches)), set().union(*(b[1] for b in branches))
    if op in _REPEATS:
        return _repeat(*av)
    return _unknown()


def _unknown() -> _Prefixes:
    """Nothing known: the empty prefix, closed, which makes the whole pattern unguarded."""
    return set(), {""}


def _repeat(low: int, high: int, item: _Items) -> _Prefixes:
    """Prefixes of x?, x*, x+ or x{m,n}: one x is known; after it, only x? stays open."""
    opened, closed = _sequence(item)
    skip = {""} if low == 0 else set()
    if opened == _SEPARATOR_CHARS and not closed and low >= 1:
        # A phrase's separator run: a lone space lets the next word extend the prefix, so
        # "the " no longer wakes a phrase at every "the". Any other run starts with "-",
        # "\n" or " -", as normalised text has no double space and no space by a newline.
        return {" "}, {"-", "\n", " -"}
    if opened == {" "} | (opened & {"\n"}) and not closed:
        # Whitespace runs are a lone space or newlines, so after a space the text is known.
        return skip | (opened & {" "}), opened & {"\n"}
    if high == 1:
        return skip | opened, closed
    return skip, opened | closed


def _class_chars(items: _Items) -> set[str] | None:
    """The characters of a small positive class like [0-9], [kms] or \\s; None for others."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        elif op is sre.CATEGORY and av is sre.CATEGORY_SPACE:
            chars |= _WHITESPACE
        else:
            return None
    return chars if len(chars) <= _MAX_CLASS else None


def starts_at_word_boundary(pattern: str) -> bool:
    """Whether every match of `pattern` must begin with \\b (in every top-level branch)."""
    items = _parse(pattern)
    return items is not None and _led_by_boundary(items)


def _led_by_boundary(items: _Items) -> bool:
    """Whether the first thing that is not a lookaround is \\b, in every branch."""
    for op, av in items:
        if op is sre.AT:
            return av is sre.AT_BOUNDARY
        if op in {sre.ASSERT, sre.ASSERT_NOT}:
            continue
        if op is sre.BRANCH:
            return all(_led_by_boundary(branch) for branch in av[1])
        if op is sre.SUBPATTERN:
            return _led_by_boundary(av[3])
        return False
    return False


def required_texts(pattern: str) -> tuple[str, ...]:
    """Strings one of which every match of `pattern` contains (lookarounds too); () if unknown."""
    items = _parse(pattern)
    found = None if items is None else _factors(items)
    return () if not found or "" in found else tuple(sorted(found))


def _factors(items: _Items) -> set[str] | None:
    """The most telling required set: the one whose shortest string is longest."""
    candidates: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        candidates.append({run})
        run = ""
        found = _item_factors(op, av)
        if found:
            candidates.append(found)
    candidates.append({run})
    candidates = [c for c in candidates if "" not in c]
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def requires_digit(pattern: str) -> bool:
    """Whether every match of `pattern` holds a digit (\\d), so text without one can be skipped."""
    items = _parse(pattern)
    return items is not None and _holds_digit(items)


def repeated_run(pattern: str) -> int:
    """How many of one character in a row every match holds ("(x)\\1{14,}": 15); 0 if unknown."""
    items = _parse(pattern) or ()
    for (op, av), (next_op, next_av) in zip(items, items[1:], strict=False):
        single = op is sre.SUBPATTERN and not av[1] & re.IGNORECASE and len(av[3]) == 1
        if single and av[3][0][0] in _ONE_CHARACTER and next_op in _REPEATS:
            low, _, repeated = next_av
            if low >= 1 and list(repeated) == [(sre.GROUPREF, av[0])]:
                return low + 1
    return 0


def _holds_digit(items: _Items) -> bool:
    """Whether an item one after another in `items` must match a digit (lookarounds aside)."""
    for op, av in items:
        if op is sre.IN and av == [(sre.CATEGORY, sre.CATEGORY_DIGIT)]:
            return True
        if op in _REPEATS and av[0] >= 1 and _holds_digit(av[2]):
            return True
        if op is sre.SUBPATTERN and _holds_digit(av[3]):
            return True
        if op is sre.BRANCH and all(_holds_digit(branch) for branch in av[1]):
            return True
    return False


def _item_factors(op: Any, av: Any) -> set[str] | None:
    """Required strings inside one parsed item; None if it promises none."""
    if op is sre.SUBPATTERN:
        return None if av[1] & re.IGNORECASE else _factors(av[3])
    if op is sre.BRANCH:
        parts = [_factors(branch) for branch in av[1]]
        return None if None in parts else set().union(*parts)  # type: ignore[arg-type]
    if op in _REPEATS and av[0] >= 1:
        return _factors(av[2])
    if op is sre.ASSERT:
        return _factors(av[1])
    return None
