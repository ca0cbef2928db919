"""The fast index behind screening: one trie scan for the literal text rules start with.

The phrases of one (category, lane, action) group share a single trie regex and each
regex rule is compiled on its own. One scan for the literal starts of every entry finds
where any of them might match, and only those entries are tried there, so ordinary text
wakes almost nothing. Lexicons (see `screening_combo`) are scanned the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from forum.moderation import screening_text as text_tools

if TYPE_CHECKING:
    from forum.moderation.screening import Rule

T = TypeVar("T")


@dataclass(eq=False)
class Entry:
    """One compiled regex to try at a position: a regex rule, or all phrases of one group."""

    regex: re.Pattern[str]
    rule: Rule | None = None
    phrases: dict[str, Rule] = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # one of these is in every match, so a scan can be skipped

    def rule_for(self, hit: re.Match[str]) -> Rule | None:
        """The rule behind a hit: the entry's own, or the phrase's by its spelling-free form."""
        return self.rule or self.phrases.get(text_tools.canonical(hit.group()))


class Candidates(Generic[T]):
    """One trie scan for the literal starts of many entries, waking only the ones that fit.

    With `word_start`, starts are looked for only at word boundaries (each entry's regex
    begins with one). Every position is looked at, so overlapping matches are all found.
    """

    def __init__(self, starts: dict[str, list[T]], word_start: bool) -> None:
        """Build the trie of literal starts and, for each, the entries it wakes."""
        trie = text_tools.literals_pattern(starts)
        self._word_start = word_start
        self._regex = re.compile(rf"\b(?=({trie}))" if word_start else trie)
        self._woken = {start: _woken_by(start, starts) for start in starts}

    def positions(self, text: str) -> Iterator[tuple[int, list[T]]]:
        """Yield each position where some entry may match, with the entries to try there."""
        if self._word_start:
            for found in self._regex.finditer(text):
                yield found.start(), self._woken[found.group(1)]
            return
        # A consuming scan lets `re` skip ahead by the first character; resume one later.
        found = self._regex.search(text)
        while found:
            yield found.start(), self._woken[found.group()]
            found = self._regex.search(text, found.start() + 1)


def _woken_by(found: str, starts: dict[str, list[T]]) -> list[T]:
    """Entries whose literal start is `found` or begins it (the trie reports the longest)."""
    woken: list[T] = []
    for end in range(1, len(found) + 1):
        woken += [entry for entry in starts.get(found[:end], []) if entry not in woken]
    return woken


@dataclass
class Index:
    """Every enabled phrase and regex rule of one board (or of every board), ready to screen."""

    scans: list[Candidates[Entry]]
    solo: list[Entry]

    def hits(self, text: str) -> Iterator[tuple[Entry, re.Match[str]]]:
        """Yield (entry, hit) at candidate positions, then from entries that scan on their own."""
        for scan in self.scans:
            for position, entries in scan.positions(text):
                for entry in entries:
                    hit = entry.regex.match(text, position)
                    if hit:
                        yield entry, hit
        for entry in self.solo:
            if not entry.needs or any(needed in text for needed in entry.needs):
                yield from ((entry, hit) for hit in entry.regex.finditer(text))


def build_index(rules: list[Rule]) -> Index:
    """Compile phrase and regex rules into entries, filed under the literal starts waking them."""
    word: dict[str, list[Entry]] = {}
    anywhere: dict[str, list[Entry]] = {}
    solo: list[Entry] = []
    for entry, starts, word_start in _entries(rules):
        if not starts:
            solo.append(entry)
        for start in starts or ():
            (word if word_start else anywhere).setdefault(start, []).append(entry)
    scans = [Candidates(word, True)] if word else []
    if anywhere:
        scans.append(Candidates(anywhere, False))
    return Index(scans, solo)


def _entries(rules: list[Rule]) -> Iterator[tuple[Entry, set[str] | None, bool]]:
    """Yield (entry, literal starts, starts at a word boundary) for each regex or phrase group."""
    groups: dict[tuple[str, str, str, bool], dict[str, Rule]] = {}
    for rule in rules:
        if rule.kind == "regex":
            yield _regex_entry(rule)
            continue
        phrase = text_tools.normalise(rule.pattern).strip()
        key = (rule.category, rule.lane, rule.action, text_tools.starts_with_word(phrase))
        groups.setdefault(key, {}).setdefault(phrase, rule)
    for (_, _, _, word_start), phrases in groups.items():
        trie = text_tools.phrases_pattern(phrases)
        regex = re.compile(rf"\b(?:{trie})" if word_start else trie, re.MULTILINE)
        entry = Entry(regex, phrases=_by_canonical(phrases))
        yield entry, phrase_starts(phrases), word_start


def phrase_starts(phrases: Iterable[str], wildcard: bool = False) -> set[str] | None:
    """The literal starts of a group's phrases (each up to its first space or apostrophe)."""
    starts: set[str] = set()
    for phrase in phrases:
        found = text_tools.literal_prefixes(text_tools.phrases_pattern([phrase], wildcard))
        if found is None:
            return None
        starts |= found
    return starts


def _regex_entry(rule: Rule) -> tuple[Entry, set[str] | None, bool]:
    """A regex rule's entry; it is looked for at word starts when every branch begins with \\b."""
    entry = Entry(re.compile(rule.pattern, re.MULTILINE), rule=rule)
    starts = text_tools.literal_prefixes(rule.pattern)
    if not starts:
        entry.needs = text_tools.required_texts(rule.pattern)
    return entry, starts, text_tools.starts_at_word_boundary(rule.pattern)


def _by_canonical(phrases: dict[str, Rule]) -> dict[str, Rule]:
    """Map each phrase's spelling-free form to its rule; the first rule wins a tie."""
    table: dict[str, Rule] = {}
    for phrase, rule in phrases.items():
        table.setdefault(text_tools.canonical(phrase), rule)
    return table


def term_starts(terms: Iterable[str], most: int) -> set[str]:
    """Literal texts one of which starts every match of a term, as long as can be told.

    Normalised text has single spaces, so a space in a term is a space in the text; a
    hyphen or line break there ends the literal, as do a `*` and, with both spellings
    kept, an optional apostrophe. Long literals keep common first words ("the", "in")
    from waking a lexicon everywhere. At most `most` spellings are followed per term.
    """
    starts: set[str] = set()
    for term in terms:
        opened, closed = [""], []
        for char in term:
            if char == "*" or len(opened) > most:
                break
            if char in " -":
                closed += [text + mark for text in opened for mark in ("-", "\n")]
                opened = [text + " " for text in opened]
            elif char == "'":
                opened = [text + suffix for text in opened for suffix in ("'", "")]
            else:
                opened = [text + char for text in opened]
        starts.update(opened + closed)
    return starts
