"""Cue combinations: named lexicons, and rules that fire when cues from several co-occur.

A lexicon is a rule of kind "lexicon" whose key is `lexicon.<name>` and whose pattern lists
its terms, separated by `|`. A term is a phrase (spaces, hyphens and apostrophes are as
flexible as in phrase rules) and a `*` at the end of a word matches the rest of that word.
A lexicon flags nothing itself: its category names the family it serves, its lane is green.

A combo rule's pattern names lexicons: "means + intent" fires when an unnegated cue from
each lexicon lies in one window of the post; "means + intent - everyday" also needs no cue
from `everyday` there; "means + 1 of (intent, imminent)" needs a cue from either, and
"2 of (a, b, c)" cues from two of the three. A lexicon named twice needs two different
cues. The window is "sentence" (the default), "nearby" (the sentence and the ones either
side, further past very short ones), "<n> sentences" (n either side), "post", or "<n>
words" (within n words of one cue, in its sentence). For crisis and self-harm combos a
denied cue ("I don't have any pills") does not count, and the firing is read in context
like a phrase: quoted, in the past, or about someone else. A cap rule has the same pattern
and window, but instead of flagging it caps how urgent its category's matches can be
("I'm safe now" keeps a recent self-harm post out of the crisis lane).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from forum.moderation import screening_context as context
from forum.moderation import screening_text as text_tools
from forum.moderation.screening_index import Candidates, term_starts

if TYPE_CHECKING:
    from forum.moderation.screening import Rule

LEXICON_PREFIX = "lexicon."
WINDOWS = ("sentence", "nearby", "post", "<n> words", "<n> sentences")
MAX_LEXICON = 30_000
MAX_TERM = 80
MAX_CUES = 6
_MAX_SPELLINGS = 8
_NEARBY_REACH = 40  # characters: a neighbour shorter than this lets "nearby" reach one further
_NEARBY_MOST = 3
_NAME = re.compile(r"[a-z0-9_]+")
_TERM = re.compile(r"\w(?:[^|*]|(?<=\w{3})\*(?=[ ]|$))*")
_WORDS_WINDOW = re.compile(r"([1-9][0-9]?) words")
_SENTENCES_WINDOW = re.compile(r"([1-5]) sentences")
_SPEC_PART = re.compile(
    r"\s*(?P<sign>[+-])?\s*(?:(?P<need>[1-9])\s+of\s*\((?P<pool>[^()]*)\)|(?P<name>[^\s+(),-]+))\s*"
)
Span = tuple[int, int]


@dataclass(frozen=True)
class Spec:
    """What a combo or cap rule asks for.

    `groups` are (how many, of which lexicons): every group must be met, each cue counting
    once. `excluded` lexicons must have no cue in the window.
    """

    groups: tuple[tuple[int, tuple[str, ...]], ...]
    excluded: tuple[str, ...]
    sets: tuple[tuple[int, frozenset[str]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Keep each group's names as a set too, for a quick look at which are present."""
        sets = tuple((need, frozenset(pool)) for need, pool in self.groups)
        object.__setattr__(self, "sets", sets)

    @property
    def names(self) -> tuple[str, ...]:
        """Every lexicon the rule reads."""
        return tuple(name for _, pool in self.groups for name in pool) + self.excluded


def lexicon_name(key: str) -> str:
    """The name combos use for the lexicon with this key (the key without `lexicon.`)."""
    return key[len(LEXICON_PREFIX) :]


def check_lexicon(key: str, pattern: str, board: str | None) -> None:
    """Raise ValueError unless this is a usable lexicon: a `lexicon.<name>` key and good terms."""
    if not key.startswith(LEXICON_PREFIX) or not _NAME.fullmatch(lexicon_name(key)):
        raise ValueError("a lexicon's key must be 'lexicon.' then lowercase letters, digits or '_'")
    if board is not None:
        raise ValueError("a lexicon applies on every board, so its board must be null")
    if len(pattern) > MAX_LEXICON:
        raise ValueError(f"a lexicon can be at most {MAX_LEXICON} characters")
    lexicon_terms(pattern)


def lexicon_terms(pattern: str) -> tuple[str, ...]:
    """A lexicon's terms, normalised; ValueError naming the first term that is unusable."""
    terms = tuple(text_tools.normalise(term).strip() for term in pattern.split("|"))
    for term in terms:
        if not term:
            raise ValueError("a lexicon has an empty term (two '|' in a row?)")
        if len(term) > MAX_TERM or not _TERM.fullmatch(term):
            raise ValueError(
                f"bad term {term!r}: a term starts with a letter or digit, has at most "
                f"{MAX_TERM} characters, and '*' only ends a word of three or more letters"
            )
    return terms


def parse_spec(pattern: str, least: int) -> Spec:
    """Read "a + 2 of (b, c, d) - e" into groups and exclusions; ValueError if malformed."""
    parts = list(_SPEC_PART.finditer(pattern))
    if not parts or "".join(p.group() for p in parts) != pattern or parts[0]["sign"] == "-":
        raise ValueError(
            "the pattern must be lexicon names or 'N of (a, b)' joined by '+', "
            "with '-' before any lexicon to avoid"
        )
    if any(not part["sign"] for part in parts[1:]):
        raise ValueError("join the lexicons with '+' or '-'")
    groups: list[tuple[int, tuple[str, ...]]] = []
    excluded: list[str] = []
    for part in parts:
        pool = tuple(n.strip() for n in part["pool"].split(",")) if part["pool"] else ()
        names = pool or (part["name"],)
        _check_names(names)
        if part["sign"] == "-":
            if pool:
                raise ValueError("'-' takes a single lexicon, not 'N of (...)'")
            excluded.append(part["name"])
        elif pool and (len(set(pool)) != len(pool) or int(part["need"]) > len(pool)):
            raise ValueError(f"'{part.group().strip()}' names fewer lexicons than it needs")
        else:
            groups.append((int(part["need"] or 1), names))
    looked_for = {name for _, pool in groups for name in pool}
    if len(set(excluded)) != len(excluded) or looked_for & set(excluded):
        raise ValueError("a lexicon to avoid is named twice, or is also looked for")
    if not least <= sum(need for need, _ in groups) <= MAX_CUES:
        raise ValueError(f"look for cues from between {least} and {MAX_CUES} lexicons")
    return Spec(tuple(groups), tuple(excluded))


def _check_names(names: Iterable[str]) -> None:
    """Raise ValueError naming the first string that is not a lexicon name."""
    for name in names:
        if not _NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a lexicon name (lowercase letters, digits, '_')")


def check_window(window: str) -> None:
    """Raise ValueError unless `window` is one of WINDOWS."""
    if window not in WINDOWS[:3] and not (
        _WORDS_WINDOW.fullmatch(window) or _SENTENCES_WINDOW.fullmatch(window)
    ):
        raise ValueError(f"unknown window {window!r} (one of: {', '.join(WINDOWS)})")


@dataclass(eq=False)
class _Lexicon:
    name: str
    regex: re.Pattern[str]


class Lexicons:
    """Every lexicon the combos of a rule set read, found with one trie scan of the post."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        """Compile each lexicon to one regex and file it under the literal starts of its terms."""
        starts: dict[str, list[_Lexicon]] = {}
        self.bits: dict[str, int] = {}
        for rule in rules:
            self.bits[lexicon_name(rule.key)] = 1 << len(self.bits)
            terms = lexicon_terms(rule.pattern)
            trie = text_tools.phrases_pattern(terms, wildcard=True)
            lexicon = _Lexicon(lexicon_name(rule.key), re.compile(rf"\b(?:{trie})"))
            for start in term_starts(terms, _MAX_SPELLINGS):
                starts.setdefault(start, []).append(lexicon)
        self.scan = Candidates(starts, word_start=True) if starts else None
        self.joined = False  # whether an index's scan finds the cues (see `Board.build`)

    def masks(self, spec: Spec) -> tuple[tuple[int, int], ...]:
        """Each group of a spec as (how many, bit mask of its lexicons), to rule combos out fast."""
        return tuple(
            (need, sum(self.bits.get(name, 0) for name in pool)) for need, pool in spec.sets
        )

    def cues(self, text: str) -> dict[str, list[Span]]:
        """Where each lexicon's terms occur in normalised `text`, in order."""
        found: dict[str, list[Span]] = {}
        if self.scan is None:
            return found
        for position, lexicons in self.scan.positions(text):
            for lexicon in lexicons:
                hit = lexicon.regex.match(text, position)
                if hit:
                    found.setdefault(lexicon.name, []).append((position, hit.end()))
        return found


@dataclass
class Firing:
    """A combo or cap whose cues were all found: the cue spans and the window around them."""

    rule: Rule
    spans: list[Span]
    window: Span

    @property
    def start(self) -> int:
        """Where the first cue starts."""
        return min(s for s, _ in self.spans)

    @property
    def end(self) -> int:
        """Where the last cue ends."""
        return max(e for _, e in self.spans)


class Reader:
    """One post's cues, with negation worked out once per cue."""

    def __init__(self, text: str, lexicons: Lexicons, cues: dict[str, list[Span]] | None = None
                 ) -> None:  # fmt: skip
        """Find the cues of every lexicon in normalised `text`, unless an index's scan did."""
        self.text = text
        self.cues = cues if cues is not None and lexicons.joined else lexicons.cues(text)
        self._lexicons = lexicons
        self.present = sum(lexicons.bits[name] for name in self.cues)  # bits of lexicons found
        self._negated: dict[Span, bool] = {}
        self._negating: list[Span] | None = None  # cues whose own words hold a negator
        self._sentences: dict[Span, Span] = {}
        self._windows: dict[tuple[str, Span], Span] = {}

    def firings(self, rule: Rule, spec: Spec, negation: bool = True,
                masks: tuple[tuple[int, int], ...] | None = None) -> Iterator[Firing]:  # fmt: skip
        """Each window where every group of the spec is met and no excluded lexicon has a cue.

        The group with the fewest cues anchors the search; each cue counts once, so a
        lexicon named twice needs two different cues. With `negation`, a cue the clause
        before it denies ("I don't have any pills") does not count. `masks` are the spec's
        (see `Lexicons.masks`), worked out once per rule set.
        """
        for need, mask in masks or self._lexicons.masks(spec):
            if (self.present & mask).bit_count() < need:
                return
        counts = [sum(len(self.cues.get(name, ())) for name in pool) for _, pool in spec.groups]
        if len({s for _, pool in spec.groups for n in pool for s in self.cues.get(n, ())}) < sum(
            need for need, _ in spec.groups
        ):
            return  # fewer cues in the whole post than the spec needs
        anchor = min(range(len(counts)), key=counts.__getitem__)
        for name, span in self._cues_of(spec.groups[anchor][1]):
            if negation and self._is_negated(span):
                continue
            window = self._windows.get((rule.window, span))
            if window is None:
                window = self._windows[rule.window, span] = self._window(rule.window, span)
            if self._has_any(spec.excluded, window, negation):
                continue  # cheaper to rule out first than to choose the cues
            chosen = self._choose(spec.groups, anchor, name, span, window, negation)
            if chosen:
                yield Firing(rule, chosen, window)

    def _cues_of(self, names: tuple[str, ...]) -> list[tuple[str, Span]]:
        """Every cue of these lexicons, in the order they occur."""
        found = [(name, span) for name in names for span in self.cues.get(name, ())]
        return sorted(found, key=lambda cue: cue[1])

    def _choose(self, groups: tuple[tuple[int, tuple[str, ...]], ...], anchor: int,
                anchor_name: str, span: Span, window: Span, negation: bool
                ) -> list[Span] | None:  # fmt: skip
        """Cues in the window meeting every group, no two overlapping; None if one falls short."""
        chosen = [span]
        for index, (need, pool) in enumerate(groups):
            names = [name for name in pool if not (index == anchor and name == anchor_name)]
            met = 1 if index == anchor else 0
            for position, name in enumerate(names):
                if met >= need:
                    break
                usable = [s for s in self.cues.get(name, ()) if _inside(s, window)
                          and not _overlaps(s, chosen)
                          and not (negation and self._is_negated(s))]  # fmt: skip
                # Lexicons share phrases: keep clear of the cues the rest of the pool may need.
                rest = [s for other in names[position + 1 :] for s in self.cues.get(other, ())]
                pick = next((s for s in usable if not _overlaps(s, rest)), None) or next(
                    iter(usable), None
                )
                if pick is not None:
                    chosen.append(pick)
                    met += 1
            if met < need:
                return None
        return chosen

    def _has_any(self, names: tuple[str, ...], window: Span, negation: bool) -> bool:
        """Whether a cue of any of these lexicons lies inside the window."""
        return any(
            _inside(s, window) and not (negation and self._is_negated(s))
            for name in names
            for s in self.cues.get(name, ())
        )

    def _is_negated(self, span: Span) -> bool:
        """Whether the words before a cue, in its clause, deny it ("I don't have any pills").

        A negator inside an earlier cue belongs to that cue: in "no version of tomorrow
        has me in it" the "no" does not deny "me".
        """
        if span not in self._negated:
            begin, _ = self._sentence(span)
            before = list(self.text[begin : span[0]])
            for start, end in self._negating_cues():
                if begin < end <= span[0]:
                    before[max(start, begin) - begin : end - begin] = " " * (
                        end - max(start, begin)
                    )
            self._negated[span] = context.is_negated("".join(before))
        return self._negated[span]

    def _sentence(self, span: Span) -> Span:
        """The sentence around a cue, worked out once."""
        if span not in self._sentences:
            self._sentences[span] = context.sentence_bounds(self.text, *span)
        return self._sentences[span]

    def _negating_cues(self) -> list[Span]:
        """Cues whose own words include a negator ("no reason to", "won't need")."""
        if self._negating is None:
            # One scan of the post for negators, then a look-up per cue, not a search per cue.
            negators = context.negator_spans(self.text)
            starts = [start for start, _ in negators]
            spans = {span for spans in self.cues.values() for span in spans} if negators else ()
            self._negating = [s for s in spans if _holds_negator(negators, starts, s)]
        return self._negating

    def _nearby(self, begin: int, stop: int) -> Span:
        """The sentence and its neighbours, reaching further past very short sentences.

        "cant do it. got the pills. bye": terse posts spread one thought over several.
        """
        for _ in range(_NEARBY_MOST):
            wider = context.neighbour_bounds(self.text, begin, stop)
            if wider == (begin, stop):
                break
            grew = (begin - wider[0], wider[1] - stop)
            begin, stop = wider
            if min(grew) >= _NEARBY_REACH or (stop - begin) >= 3 * _NEARBY_REACH:
                break
        return begin, stop

    def _window(self, window: str, span: Span) -> Span:
        """The stretch of text the other cues must lie in, around the anchor cue."""
        if window == "post":
            return 0, len(self.text)
        begin, stop = self._sentence(span)
        sentences = _SENTENCES_WINDOW.fullmatch(window)
        if sentences:
            for _ in range(int(sentences.group(1))):
                begin, stop = context.neighbour_bounds(self.text, begin, stop)
            return begin, stop
        if window == "nearby":
            return self._nearby(begin, stop)
        words = _WORDS_WINDOW.fullmatch(window)
        if words:
            reach = int(words.group(1))
            return _words_before(self.text, begin, span[0], reach), _words_after(
                self.text, span[1], stop, reach
            )
        return begin, stop


def _holds_negator(negators: list[Span], starts: list[int], span: Span) -> bool:
    """Whether a negator lies wholly inside `span` (`negators` in order, `starts` theirs)."""
    index = bisect_left(starts, span[0])
    return index < len(negators) and negators[index][1] <= span[1]


def _inside(span: Span, window: Span) -> bool:
    return window[0] <= span[0] and span[1] <= window[1]


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def _words_before(text: str, floor: int, position: int, count: int) -> int:
    """The position `count` words before `position`, not before `floor`."""
    for _ in range(count):
        found = text.rfind(" ", floor, max(floor, position - 1))
        if found == -1:
            return floor
        position = found
    return position


def _words_after(text: str, position: int, ceiling: int, count: int) -> int:
    """The position `count` words after `position`, not after `ceiling`."""
    for _ in range(count):
        found = text.find(" ", position + 1, ceiling)
        if found == -1:
            return ceiling
        position = found
    return position
