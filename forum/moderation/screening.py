"""Screening: match a post's text against rules that are data, and say which lane it belongs in.

Rules live in `default_rules.json` (and in admins' overrides). A rule is a phrase or a
regex (found through one trie scan, see `screening_index`), or a combo that fires when cues
from named lexicons co-occur, or a cap that limits how urgent a category can be (see
`screening_combo`). Crisis and self-harm matches are then read in context: quoted, negated,
in the past, or about someone else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from typing import Any

from forum.moderation import classifier as learned
from forum.moderation import screening_combo as combo
from forum.moderation import screening_context as context
from forum.moderation import screening_text as text_tools
from forum.moderation.screening_board import SPEC_KINDS as _SPEC_KINDS
from forum.moderation.screening_board import Board as _Board
from forum.moderation.screening_board import lexicons_read as _lexicons_read

LANES = ("crisis", "red", "amber", "green")
CATEGORIES = (
    "crisis", "self_harm", "harassment", "personal_info", "spam", "medication", "new_member",
)  # fmt: skip
ACTIONS = ("flag", "hold", "block")
KINDS = ("phrase", "regex", "lexicon", "combo", "cap")
# Only these categories are read in context; abuse in a quote is still abuse.
CONTEXT_CATEGORIES = frozenset({"crisis", "self_harm"})
MAX_MATCHED = 80
MAX_PHRASE = 200
_REQUIRED = frozenset({"key", "category", "lane", "pattern"})
_KEY = re.compile(r"[\w.:-]+")
_EMPTY_PROBE = " a b, 1.\n> c"  # a usable pattern matches none of it with zero width ("x*", "\b")
MODEL_ALONE_WORDS = 12  # shorter, the model alone (no rule matched) raises to red at most
_CALMED = "; at most amber: the model does not read it as a crisis now"


class RuleError(ValueError):
    """A rule is invalid; the message names the rule and what is wrong with it."""


@dataclass(frozen=True)
class Rule:
    """One screening rule: what it looks for, the category and lane it flags, and what to do.

    `kind` is "phrase" or "regex" (the pattern is the text to find), "lexicon" (the
    pattern lists cue terms separated by `|`; it flags nothing itself), "combo" (the
    pattern names lexicons, "means + intent", whose cues must co-occur in `window`) or
    "cap" (the same, but it caps its category at its lane instead of flagging).
    """

    key: str
    category: str
    lane: str
    action: str = "flag"
    kind: str = "phrase"
    pattern: str = ""
    message: str = ""
    board: str | None = None
    enabled: bool = True
    window: str = "sentence"

    def __post_init__(self) -> None:
        """Refuse an unusable rule as soon as it is made, from JSON or from code."""
        _validate(self)


@dataclass(frozen=True)
class Match:
    """One rule that matched a post, with the words it matched and a plain-language reason."""

    rule_key: str
    category: str
    lane: str
    action: str
    matched: str
    reason: str
    message: str = ""


def _validate(rule: Rule) -> None:
    """Raise RuleError naming the rule if any field is unusable."""
    name = f"rule {rule.key!r}"
    if not isinstance(rule.key, str) or not _KEY.fullmatch(rule.key):
        raise RuleError(f"{name}: the key must be letters, digits, '.', '_', ':' or '-'")
    for attribute, allowed in (("category", CATEGORIES), ("lane", LANES), ("action", ACTIONS),
                               ("kind", KINDS)):  # fmt: skip
        value = getattr(rule, attribute)
        if value not in allowed:
            raise RuleError(f"{name}: unknown {attribute} {value!r} (one of: {', '.join(allowed)})")
    if not isinstance(rule.pattern, str) or not rule.pattern.strip():
        raise RuleError(f"{name}: the pattern is empty")
    if not isinstance(rule.message, str) or not isinstance(rule.enabled, bool):
        raise RuleError(f"{name}: message must be text and enabled must be true or false")
    if rule.board is not None and (not isinstance(rule.board, str) or not rule.board.strip()):
        raise RuleError(f"{name}: board must be a board slug or null")
    if not isinstance(rule.window, str):
        raise RuleError(f"{name}: window must be text")
    if rule.kind not in _SPEC_KINDS and rule.window != "sentence":
        raise RuleError(f"{name}: only combo and cap rules have a window")
    try:
        _check_pattern(rule)
    except RuleError:
        raise
    except ValueError as error:
        raise RuleError(f"{name}: {error}") from None


def _check_pattern(rule: Rule) -> None:
    """Raise ValueError (or RuleError) if the pattern is unusable for the rule's kind."""
    name = f"rule {rule.key!r}"
    if rule.kind == "regex":
        _check_regex(name, rule.pattern)
    elif rule.kind == "lexicon":
        combo.check_lexicon(rule.key, rule.pattern, rule.board)
    elif rule.kind in _SPEC_KINDS:
        combo.parse_spec(rule.pattern, _SPEC_KINDS[rule.kind])
        combo.check_window(rule.window)
    elif len(rule.pattern) > MAX_PHRASE:
        raise ValueError(f"a phrase can be at most {MAX_PHRASE} characters")


def _check_regex(name: str, pattern: str) -> None:
    """Compile a regex rule's pattern, refusing syntax errors and patterns that match nothing."""
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as error:
        raise RuleError(f"{name}: bad regex ({error})") from error
    if any(m.start() == m.end() for m in compiled.finditer(_EMPTY_PROBE)):
        raise RuleError(f"{name}: the regex can match empty text")


def rules_from_json(data: list[dict[str, Any]]) -> list[Rule]:
    """Build rules from JSON-ready dicts, raising RuleError on the first invalid or repeated key.

    A combo or cap may name a lexicon defined in `data` or one Kindred ships.
    """
    rules = _parse_rules(data)
    shipped = {rule.key for rule in _default_rules() if rule.kind == "lexicon"}
    _check_lexicons_known(rules, shipped)
    return rules


def _parse_rules(data: list[dict[str, Any]]) -> list[Rule]:
    """Build and validate each rule on its own, refusing repeated keys."""
    if not isinstance(data, list):
        raise RuleError("rules must be a JSON list of objects")
    known = {f.name for f in fields(Rule)}
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise RuleError(f"rule #{index}: expected an object, got {type(item).__name__}")
        name = f"rule {item['key']!r}" if "key" in item else f"rule #{index}"
        missing = [f for f in ("key", "category", "lane", "pattern") if f not in item]
        unknown = sorted(set(item) - known)
        if missing or unknown:
            problem = (
                f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
            )
            raise RuleError(f"{name}: {problem}")
        rule = Rule(**item)
        if rule.key in seen:
            raise RuleError(f"{name}: duplicate key")
        seen.add(rule.key)
        rules.append(rule)
    return rules


def _check_lexicons_known(rules: list[Rule], shipped: Iterable[str] = ()) -> None:
    """Raise RuleError naming the first combo or cap that reads a lexicon nobody defined."""
    known = set(shipped) | {rule.key for rule in rules if rule.kind == "lexicon"}
    for rule in rules:
        if rule.kind in _SPEC_KINDS:
            spec = combo.parse_spec(rule.pattern, _SPEC_KINDS[rule.kind])
            for lexicon in spec.names:
                if combo.LEXICON_PREFIX + lexicon not in known:
                    raise RuleError(f"rule {rule.key!r}: unknown lexicon {lexicon!r}")


def rules_to_json(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    """Return rules as JSON-ready dicts, leaving out fields that hold their default."""
    defaults = {f.name: f.default for f in fields(Rule)}
    out = []
    for rule in rules:
        row = {f.name: getattr(rule, f.name) for f in fields(Rule)}
        out.append({k: v for k, v in row.items() if k in _REQUIRED or v != defaults[k]})
    return out


@cache
def _default_rules() -> tuple[Rule, ...]:
    """Read and validate the packaged JSON once per process."""
    source = resources.files("forum.moderation").joinpath("default_rules.json")
    rules = _parse_rules(json.loads(source.read_text(encoding="utf-8")))
    _check_lexicons_known(rules)
    return tuple(rules)


def default_rules() -> list[Rule]:
    """The rules Kindred ships with, read once from the package's default_rules.json."""
    return list(_default_rules())


def merge_rules(defaults: Iterable[Rule], overrides: Iterable[Rule]) -> list[Rule]:
    """Apply overrides: a same-key override replaces the default in place, a new key is added."""
    merged = {rule.key: rule for rule in defaults}
    for rule in overrides:
        merged[rule.key] = rule
    return list(merged.values())


def highest_lane(matches: Iterable[Match]) -> str:
    """The most urgent lane among the matches; "green" when there are none."""
    return min((m.lane for m in matches), key=LANES.index, default="green")


class RuleSet:
    """Rules compiled for screening. Phrase and regex rules, and the lexicon cues that combos
    and caps read, are found through one scan per post (see `screening_index`)."""

    def __init__(self, rules: Iterable[Rule], model: learned.Classifier | None = None) -> None:
        """Compile the enabled rules once, per board; refuse duplicate keys and unknown lexicons.

        `model` screens beside the rules and may raise a post's lane (see `classifier`);
        the forum's rule set has one (see `rules.current_ruleset`), a bare one has none.
        """
        self.model = model
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._order = {rule.key: index for index, rule in enumerate(self.rules)}
        if len(self._order) != len(self.rules):
            keys = [rule.key for rule in self.rules]
            raise RuleError(f"rule {next(k for k in keys if keys.count(k) > 1)!r}: duplicate key")
        _check_lexicons_known(list(self.rules))
        enabled = [rule for rule in self.rules if rule.enabled]
        self._lexicons = combo.Lexicons(_lexicons_read(enabled))
        self._boards: dict[str | None, _Board] = {}
        for rule in enabled:
            if rule.kind != "lexicon":
                self._boards.setdefault(rule.board, _Board(self._lexicons)).add(rule)
        for slug, members in self._boards.items():
            members.build(joint=slug is None)

    def screen(self, text: str, board: str | None = None) -> list[Match]:
        """Return at most one Match per rule for `text`, most urgent lane first.

        Rules with a board apply only when `board` is that slug. For a rule that matches
        more than once, the most urgent reading wins (a current crisis beats history).
        A cap that fires lowers its category's matches to its lane.
        """
        folded = text_tools.normalise(text)
        found: dict[str, Match] = {}
        cues: dict[str, list[combo.Span]] = {}  # filled by the index's scan (see `Board.build`)
        boards = [self._boards.get(None), self._boards.get(board) if board else None]
        boards = [members for members in boards if members]
        for members in boards:
            for entry, hit in members.index.hits(folded, cues):
                rule = entry.rule_for(hit)
                if rule is not None and not _settled(found.get(rule.key), rule):
                    _keep(found, rule.key, _judge(rule, folded, hit.start(), hit.end()))
        if any(members.combos or members.caps for members in boards):
            reader = combo.Reader(folded, self._lexicons, cues)
            for members in boards:
                _screen_combos(reader, members.combos, found)
            for members in boards:
                _apply_caps(reader, members.caps, found)
        if self.model is not None:
            _weigh_by_model(self.model, folded, found)
        return sorted(found.values(), key=lambda m: (_urgency(m), self._order.get(m.rule_key, 0)))


def _weigh_by_model(model: learned.Classifier, folded: str, found: dict[str, Match]) -> None:
    """Add the model's verdict when it is more urgent than every rule's match. When the rules
    say crisis but the calm model is sure it is not one ("this exam is killing me"), their
    crisis matches go to amber, never lower: a facilitator still sees the post."""
    highest = highest_lane(found.values())
    verdict = model.judge(folded, highest)
    if verdict.calm:
        for key, match in found.items():
            if match.lane == "crisis":
                found[key] = replace(match, lane="amber", reason=match.reason + _CALMED)
        highest = highest_lane(found.values())
    lane = verdict.lane  # ("Writing this down already helps a little.": too little alone)
    if lane == "crisis" and highest == "green" and len(folded.split()) < MODEL_ALONE_WORDS:
        lane = "red"
    if LANES.index(lane) < LANES.index(highest):
        key = f"model.{lane}"
        found[key] = Match(rule_key=key, category=verdict.category, lane=lane,
                           action="flag", matched=", ".join(verdict.words),
                           reason=verdict.reason)  # fmt: skip


def _keep(found: dict[str, Match], key: str, match: Match | None) -> None:
    """Keep `match` for its rule if it is the rule's first or more urgent than the one kept."""
    previous = found.get(key)
    if match and (previous is None or _urgency(match) < _urgency(previous)):
        found[key] = match


def _screen_combos(
    reader: combo.Reader,
    combos: list[tuple[Rule, combo.Spec, tuple[tuple[int, int], ...]]],
    found: dict[str, Match],
) -> None:
    """Judge each window where a combo's cues co-occur, keeping the most urgent reading."""
    present = reader.present
    for rule, spec, masks in combos:
        for need, mask in masks:  # most combos lack a lexicon: skip those before any set-up
            if (present & mask).bit_count() < need:
                break
        else:
            _judge_firings(reader, rule, spec, masks, found)


def _judge_firings(
    reader: combo.Reader,
    rule: Rule,
    spec: combo.Spec,
    masks: tuple[tuple[int, int], ...],
    found: dict[str, Match],
) -> None:
    """Judge each window where one combo's cues co-occur, keeping the most urgent reading."""
    for firing in reader.firings(rule, spec, rule.category in CONTEXT_CATEGORIES, masks):
        if _settled(found.get(rule.key), rule):
            break
        _keep(found, rule.key, _judge(rule, reader.text, firing.start, firing.end, firing.spans))


def _apply_caps(
    reader: combo.Reader, caps: list[tuple[Rule, combo.Spec]], found: dict[str, Match]
) -> None:
    """Lower every match of a cap's category to the cap's lane when the cap's cues are there."""
    for rule, spec in caps:
        firing = next((f for f in reader.firings(rule, spec) if not _quoted(reader.text, f)), None)
        if firing is None:
            continue
        said = _trim(reader.text[firing.start : firing.end])
        for key, match in found.items():
            if match.category == rule.category and _urgency(match) < LANES.index(rule.lane):
                reason = f'{match.reason}; at most {rule.lane}: "{said}"'
                found[key] = replace(match, lane=rule.lane, reason=reason)


def _quoted(text: str, firing: combo.Firing) -> bool:
    """Whether any cue of a firing is inside a quotation."""
    return any(context.is_quoted(text, start) for start, _ in firing.spans)


def _urgency(match: Match) -> int:
    """0 for the crisis lane, up to 3 for green: lower is more urgent."""
    return LANES.index(match.lane)


def _settled(previous: Match | None, rule: Rule) -> bool:
    """Whether a rule already has a match no later occurrence could make more urgent."""
    return previous is not None and previous.lane == rule.lane


def _judge(rule: Rule, text: str, start: int, end: int, cues: list[combo.Span] | None = None
           ) -> Match | None:  # fmt: skip
    """Turn a hit into a Match, reading crisis and self-harm hits in their context.

    For a combo, `cues` are the spans of its cues (see `screening_context.reading`).
    """
    matched = _trim(text[start:end])
    if rule.category not in CONTEXT_CATEGORIES:
        return _match(rule, matched, rule.category, rule.lane, "")
    reading = context.reading(text, start, end, cues)
    urgent = LANES.index(rule.lane) <= LANES.index("red")
    if reading is None or (reading == "quoted" and not urgent):
        return None
    if reading == "history":
        lane = rule.lane if LANES.index(rule.lane) >= LANES.index("amber") else "amber"
        return _match(rule, matched, rule.category, lane, "history")
    if urgent and reading in ("quoted", "someone"):
        return _match(rule, matched, "crisis", "red", "worried about someone")
    return _match(rule, matched, rule.category, rule.lane, "")


def _match(rule: Rule, matched: str, category: str, lane: str, label: str) -> Match:
    """Build a Match whose reason names the category and the matched words."""
    reason = f'{label}: "{matched}" ({category})' if label else f'{category}: "{matched}"'
    return Match(rule_key=rule.key, category=category, lane=lane, action=rule.action,
                 matched=matched, reason=reason, message=rule.message)  # fmt: skip


def _trim(matched: str) -> str:
    """Collapse whitespace and shorten to at most MAX_MATCHED characters."""
    matched = " ".join(matched.split())
    return matched if len(matched) <= MAX_MATCHED else matched[: MAX_MATCHED - 1] + "…"
