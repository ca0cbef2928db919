"""Screening: match a post's text against rules that are data, and say which lane it belongs in.

Rules live in `default_rules.json` (and in admins' overrides). A rule is a phrase or a
regex; phrases of one group share a single compiled trie, so a post is scanned once per
group. Crisis and self-harm matches are then read in context: quoted, negated, in the
past, or about someone else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from typing import Any

from forum.moderation import screening_text as text_tools

LANES = ("crisis", "red", "amber", "green")
CATEGORIES = (
    "crisis", "self_harm", "harassment", "personal_info", "spam", "medication", "new_member",
)  # fmt: skip
ACTIONS = ("flag", "hold", "block")
KINDS = ("phrase", "regex")
# Only these categories are read in context; abuse in a quote is still abuse.
CONTEXT_CATEGORIES = frozenset({"crisis", "self_harm"})
MAX_MATCHED = 80
_KEY = re.compile(r"[\w.:-]+")
# Probes that a usable pattern must not match with zero width (like "x*" or "\b").
_EMPTY_PROBE = " a b, 1.\n> c"


class RuleError(ValueError):
    """A rule is invalid; the message names the rule and what is wrong with it."""


@dataclass(frozen=True)
class Rule:
    """One screening rule: a phrase or regex, the category and lane it flags, and what to do."""

    key: str
    category: str
    lane: str
    action: str = "flag"
    kind: str = "phrase"
    pattern: str = ""
    message: str = ""
    board: str | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
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
    if rule.kind == "regex":
        _check_regex(name, rule.pattern)


def _check_regex(name: str, pattern: str) -> None:
    """Compile a regex rule's pattern, refusing syntax errors and patterns that match nothing."""
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as error:
        raise RuleError(f"{name}: bad regex ({error})") from error
    if any(m.start() == m.end() for m in compiled.finditer(_EMPTY_PROBE)):
        raise RuleError(f"{name}: the regex can match empty text")


def rules_from_json(data: list[dict[str, Any]]) -> list[Rule]:
    """Build rules from JSON-ready dicts, raising RuleError on the first invalid or repeated key."""
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
            problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
            raise RuleError(f"{name}: {problem}")
        rule = Rule(**item)
        if rule.key in seen:
            raise RuleError(f"{name}: duplicate key")
        seen.add(rule.key)
        rules.append(rule)
    return rules


def rules_to_json(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    """Return rules as JSON-ready dicts, leaving out fields that hold their default."""
    defaults = {f.name: f.default for f in fields(Rule)}
    out = []
    for rule in rules:
        row = {f.name: getattr(rule, f.name) for f in fields(Rule)}
        out.append({k: v for k, v in row.items() if k in _REQUIRED or v != defaults[k]})
    return out


_REQUIRED = frozenset({"key", "category", "lane", "pattern"})


@cache
def _default_rules() -> tuple[Rule, ...]:
    source = resources.files("forum.moderation").joinpath("default_rules.json")
    return tuple(rules_from_json(json.loads(source.read_text(encoding="utf-8"))))


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


@dataclass
class _Scanner:
    """One compiled regex and how to tell which rule a hit came from."""

    regex: re.Pattern[str]
    phrases: dict[str, Rule] = field(default_factory=dict)
    groups: dict[str, Rule] = field(default_factory=dict)
    solo: Rule | None = None

    def rule_for(self, hit: re.Match[str]) -> Rule | None:
        """The rule behind a hit: by its group name, or by the phrase's spelling-free form."""
        if self.solo is not None:
            return self.solo
        if hit.lastgroup == "phrase":
            return self.phrases.get(text_tools.canonical(hit.group()))
        return self.groups.get(hit.lastgroup or "")


class RuleSet:
    """Rules compiled for screening: one scan per (category, lane, action, board) group."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        keys = [rule.key for rule in self.rules]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise RuleError(f"rule {duplicates[0]!r}: duplicate key")
        self._scanners: dict[str | None, list[_Scanner]] = {}
        groups: dict[tuple[str, str, str, str | None], list[Rule]] = {}
        for rule in self.rules:
            if rule.enabled:
                groups.setdefault((rule.category, rule.lane, rule.action, rule.board), [])
                groups[(rule.category, rule.lane, rule.action, rule.board)].append(rule)
        for (_, _, _, board), members in groups.items():
            self._scanners.setdefault(board, []).extend(_compile_group(members))

    def screen(self, text: str, board: str | None = None) -> list[Match]:
        """Return at most one Match per rule for `text`, most urgent lane first.

        Rules with a board apply only when `board` is that slug. For a rule that matches
        more than once, the most urgent reading wins (a current crisis beats history).
        """
        folded = text_tools.normalise(text)
        found: dict[str, Match] = {}
        for scanner in self._scanners_for(board):
            for hit in scanner.regex.finditer(folded):
                rule = scanner.rule_for(hit)
                if rule is None or _settled(found.get(rule.key), rule):
                    continue
                match = _judge(rule, folded, hit.start(), hit.end())
                previous = found.get(rule.key)
                if match and (previous is None or _urgency(match) < _urgency(previous)):
                    found[rule.key] = match
        order = {key: index for index, key in enumerate(k.key for k in self.rules)}
        return sorted(found.values(), key=lambda m: (_urgency(m), order[m.rule_key]))

    def _scanners_for(self, board: str | None) -> Iterator[_Scanner]:
        yield from self._scanners.get(None, [])
        if board is not None:
            yield from self._scanners.get(board, [])


def _urgency(match: Match) -> int:
    return LANES.index(match.lane)


def _settled(previous: Match | None, rule: Rule) -> bool:
    """Whether a rule already has a match no later occurrence could make more urgent."""
    return previous is not None and previous.lane == rule.lane


def _compile_group(rules: list[Rule]) -> list[_Scanner]:
    """Compile one group: phrases and `\\b`-led regexes share one scan, other regexes scan alone."""
    phrases: dict[str, Rule] = {}
    loose: dict[str, Rule] = {}
    branches: list[str] = []
    groups: dict[str, Rule] = {}
    scanners: list[_Scanner] = []
    for index, rule in enumerate(rules):
        if rule.kind == "phrase":
            phrase = text_tools.normalise(rule.pattern).strip()
            bucket = phrases if text_tools.starts_with_word(phrase) else loose
            bucket.setdefault(phrase, rule)
        elif _can_share(rule.pattern):
            groups[f"r{index}"] = rule
            branches.append(f"(?P<r{index}>{rule.pattern[2:]})")
        else:
            scanners.append(_Scanner(re.compile(rule.pattern, re.MULTILINE), solo=rule))
    if phrases:
        branches.insert(0, f"(?P<phrase>{text_tools.phrases_pattern(phrases)})")
    if branches:
        regex = re.compile(r"\b(?:" + "|".join(branches) + ")", re.MULTILINE)
        scanners.append(_Scanner(regex, _by_canonical(phrases), groups))
    if loose:
        regex = re.compile(f"(?P<phrase>{text_tools.phrases_pattern(loose)})", re.MULTILINE)
        scanners.append(_Scanner(regex, _by_canonical(loose)))
    return scanners


def _can_share(pattern: str) -> bool:
    """Whether a regex can join its group's scan: led by `\\b`, one branch, no group references.

    Joining means losing the leading `\\b` to a shared one (which is why it must lead every
    branch) and living inside a bigger pattern, where backreferences and named groups clash.
    """
    return (
        pattern.startswith(r"\b")
        and not text_tools.has_top_level_alternation(pattern)
        and "(?P" not in pattern
        and not re.search(r"\\[1-9]|\(\?\(", pattern)
    )


def _by_canonical(phrases: dict[str, Rule]) -> dict[str, Rule]:
    """Map each phrase's spelling-free form to its rule; the first rule wins a tie."""
    table: dict[str, Rule] = {}
    for phrase, rule in phrases.items():
        table.setdefault(text_tools.canonical(phrase), rule)
    return table


def _judge(rule: Rule, text: str, start: int, end: int) -> Match | None:
    """Turn a hit into a Match, reading crisis and self-harm hits in their context."""
    matched = _trim(text[start:end])
    if rule.category not in CONTEXT_CATEGORIES:
        return _match(rule, matched, rule.category, rule.lane, "")
    if text_tools.is_quoted(text, start) or text_tools.is_figurative(text[end : end + 30]):
        return None
    begin, stop = text_tools.sentence_bounds(text, start, end)
    before = text[begin:start]
    if text_tools.is_negated(before):
        return None
    if text_tools.mentions_past(text[begin:stop]):
        lane = rule.lane if LANES.index(rule.lane) >= LANES.index("amber") else "amber"
        return _match(rule, matched, rule.category, lane, "history")
    urgent = LANES.index(rule.lane) <= LANES.index("red")
    if urgent and text_tools.is_about_someone_else(text[start:end], before):
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
