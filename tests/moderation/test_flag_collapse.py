"""Overlapping matches of several rules reach facilitators once, in their longest form."""

from __future__ import annotations

from forum.moderation.pipeline import _collapse
from forum.moderation.screening import Match


def _match(key: str, matched: str, action: str = "flag", lane: str = "crisis") -> Match:
    return Match(rule_key=key, category="crisis", lane=lane, action=action, matched=matched,
                 reason=f'crisis: "{matched}"')  # fmt: skip


def test_a_match_inside_a_longer_one_of_the_same_kind_is_dropped():
    kept = _collapse([_match("a", "end my life"), _match("b", "want to end my life tonight"),
                      _match("c", "can't do this anymore")])  # fmt: skip
    assert [m.matched for m in kept] == ["want to end my life tonight", "can't do this anymore"]


def test_a_match_with_a_stronger_action_or_another_lane_is_kept():
    kept = _collapse([_match("a", "double my dose", action="hold"),
                      _match("b", "double my dose tonight"),
                      _match("c", "my dose", lane="amber")])  # fmt: skip
    assert sorted(m.rule_key for m in kept) == ["a", "b", "c"]
