"""The fast index behind screening: one trie scan for the literal text rules start with.

The phrases of one (category, lane, action) group share a single trie regex and each
regex rule is compiled on its own. One scan for the literal starts of every entry finds
where any of them might match, and only those entries are tried there, so ordinary text
wakes almost nothing. Lexicons (see `screening_combo`) are scanned the same way, and for
the rules of every board in the same pass as the phrases (see `Joint`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from forum.moderation import screening_text as text_tools

if TYPE_CHECKING:
    from forum.moderation.screening import Rule

T = TypeVar("T")
_DIGIT = re.compile(r"\d")
_SAMPLED_RUN = 5  # a run in the sample this long is rare in ordinary text


@dataclass(eq=False)
class Entry:
    """One compiled regex to try at a position: a regex rule, or all phrases of one group."""

    regex: re.Pattern[str]
    rule: Rule | None = None
    phrases: dict[str, Rule] = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # one of these is in every match, so a scan can be skipped
    digit: bool = False  # every match holds a digit: skipped on text without one
    # Every match holds a run of one character: (step, a regex finding the run's trace in
    # every step-th character of the text), checked before the slower regex itself.
    sample: tuple[int, re.Pattern[str]] | None = None

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
        self._starts = starts
        self._word_start = word_start
        self._regex = re.compile(rf"\b(?=({trie}))" if word_start else trie)
        self._woken = {start: _woken_by(start, starts) for start in starts}

    def woken(self, found: str) -> list[T]:
        """The entries to try where `found` starts the text (it need not be one of the starts)."""
        return _woken_by(found, self._starts)

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


class Joint:
    """One scan at word starts for a board's phrases and regexes and for every lexicon.

    It wakes, at each position, the same entries and lexicons in the same order as their
    own scans would, and saves the second pass over the post.
    """

    def __init__(self, words: Candidates[Entry], lexicons: Candidates[Any]) -> None:
        """Build one trie of both sets of starts; each found start wakes both kinds."""
        starts = sorted(set(words._starts) | set(lexicons._starts))
        self._regex = re.compile(rf"\b(?=({text_tools.literals_pattern(starts)}))")
        self._woken = {start: (words.woken(start), lexicons.woken(start)) for start in starts}

    def hits(self, text: str, cues: dict[str, list[tuple[int, int]]]
             ) -> Iterator[tuple[Entry, re.Match[str]]]:  # fmt: skip
        """Yield (entry, hit) like `Index.hits` does, filing each lexicon's cues in `cues`."""
        for found in self._regex.finditer(text):
            position = found.start()
            entries, lexicons = self._woken[found.group(1)]
            for lexicon in lexicons:
                hit = lexicon.regex.match(text, position)
                if hit:
                    cues.setdefault(lexicon.name, []).append((position, hit.end()))
            for entry in entries:
                hit = entry.regex.match(text, position)
                if hit:
                    yield entry, hit


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
    joint: Joint | None = None  # replaces the word-start scan, finding lexicon cues as well

    def hits(self, text: str, cues: dict[str, list[tuple[int, int]]] | None = None
             ) -> Iterator[tuple[Entry, re.Match[str]]]:  # fmt: skip
        """Yield (entry, hit) at candidate positions, then from entries that scan on their own.

        With a joint scan, the lexicons' cues are filed in `cues` along the way.
        """
        scans = self.scans
        if self.joint is not None and cues is not None:
            yield from self.joint.hits(text, cues)
            scans = scans[1:]
        for scan in scans:
            for position, entries in scan.positions(text):
                for entry in entries:
                    hit = entry.regex.match(text, position)
                    if hit:
                        yield entry, hit
        digit: bool | None = None  # whether the text holds a digit, looked for once if needed
        for entry in self.solo:
            if entry.digit:
                if digit is None:
                    digit = _DIGIT.search(text) is not None
                if not digit:
                    continue
            if entry.sample and not entry.sample[1].search(text[:: entry.sample[0]]):
                continue
            if not entry.needs or any(needed in text for needed in entry.needs):
                yield from ((entry, hit) for hit in entry.regex.finditer(text))


def build_index(rules: list[Rule], lexicons: Candidates[Any] | None = None) -> Index:
    """Compile phrase and regex rules into entries, filed under the literal starts waking them.

    With the lexicons' scan, the word-start scan looks for their cues too (see `Joint`).
    """
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
    joint = Joint(scans[0], lexicons) if word and lexicons is not None else None
    return Index(scans, solo, joint)


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
        entry.digit = text_tools.requires_digit(rule.pattern)
        entry.sample = _run_sample(text_tools.repeated_run(rule.pattern))
    return entry, starts, text_tools.starts_at_word_boundary(rule.pattern)


def _run_sample(run: int) -> tuple[int, re.Pattern[str]] | None:
    """A cheap test for a run of `run` equal characters: its trace in every step-th one.

    Such a run covers at least run // step positions that are multiples of the step, and
    those are neighbours in text[::step] holding the same character.
    """
    step = run // _SAMPLED_RUN
    if step < 2:
        return None
    return step, re.compile(rf"(.)\1{{{run // step - 1}}}", re.DOTALL)


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
