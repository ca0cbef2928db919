"""How a rule set files its enabled rules per board: phrases and regexes for the trie index,
combos and caps for the lexicon reader (see `screening_combo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from forum.moderation import screening_combo as combo
from forum.moderation.screening_index import Index, build_index

if TYPE_CHECKING:
    from forum.moderation.screening import Rule

# Kinds that read lexicons, and how many lexicons each must look for at least.
SPEC_KINDS = {"combo": 2, "cap": 1}


def lexicons_read(rules: list[Rule]) -> list[Rule]:
    """The lexicons among `rules` that some combo or cap among them reads."""
    readers = [r for r in rules if r.kind in SPEC_KINDS]
    read = {n for r in readers for n in combo.parse_spec(r.pattern, SPEC_KINDS[r.kind]).names}
    return [r for r in rules if r.kind == "lexicon" and combo.lexicon_name(r.key) in read]


class Board:
    """The enabled rules of one board (or of every board), sorted by how they are screened."""

    def __init__(self, lexicons: combo.Lexicons) -> None:
        self.rules: list[Rule] = []  # phrases and regexes, for the trie index
        self.index: Index
        self.combos: list[tuple[Rule, combo.Spec, tuple[tuple[int, int], ...]]] = []
        self.caps: list[tuple[Rule, combo.Spec]] = []
        self._lexicons = lexicons

    def add(self, rule: Rule) -> None:
        """File a rule: phrases and regexes go to the index, combos and caps to their lists."""
        if rule.kind not in SPEC_KINDS:
            self.rules.append(rule)
            return
        spec = combo.parse_spec(rule.pattern, SPEC_KINDS[rule.kind])
        if rule.kind == "combo":
            self.combos.append((rule, spec, self._lexicons.masks(spec)))
        else:
            self.caps.append((rule, spec))

    def build(self, joint: bool = False) -> None:
        """Compile the index; with `joint`, its word-start scan finds the lexicons' cues too.

        Only the rules for every board are built that way: they are screened on every post.
        """
        self.index = build_index(self.rules, self._lexicons.scan if joint else None)
        if self.index.joint is not None:
            self._lexicons.joined = True
