"""Cue combinations: lexicons and combo/cap rules as data, read in context, and the shipped set."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from forum.moderation.evaluation import evaluate, read_examples
from forum.moderation.screening import (
    Rule,
    RuleError,
    RuleSet,
    default_rules,
    highest_lane,
    merge_rules,
    rules_from_json,
    rules_to_json,
)

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(autouse=True)
def _clean_state():
    """Screening is pure text work: skip the suite-wide app, database and Redis reset."""
    yield


def lexicon(name: str, terms: str) -> Rule:
    return Rule(f"lexicon.{name}", "crisis", "green", kind="lexicon", pattern=terms)


MEANS = lexicon("means", "railing | ledge | pills | blade* | the lot")
INTENT = lexicon("intent", "going to | decided | tonight | not getting down")
LEISURE = lexicon("leisure", "view | picnic")
SAFE = lexicon("safe", "i'm safe now | not in danger")


def combo(pattern: str, window: str = "sentence", lane: str = "crisis", **fields) -> Rule:
    return Rule("t.combo", fields.pop("category", "crisis"), lane, kind="combo",
                pattern=pattern, window=window, **fields)  # fmt: skip


def screen(text: str, *rules: Rule) -> list:
    return RuleSet([MEANS, INTENT, LEISURE, SAFE, *rules]).screen(text)


def lanes(text: str, *rules: Rule) -> set[tuple[str, str]]:
    return {(m.category, m.lane) for m in screen(text, *rules)}


# --- co-occurrence ------------------------------------------------------------------------------


def test_cues_from_two_lexicons_in_one_sentence_fire_the_combo():
    matches = screen("I'm sat on the railing now and I'm going to let go.", combo("means + intent"))
    assert [(m.rule_key, m.lane) for m in matches] == [("t.combo", "crisis")]
    assert matches[0].matched == "railing now and i'm going to"
    assert matches[0].reason == 'crisis: "railing now and i\'m going to"'


@pytest.mark.parametrize("text", [
    "I'm sat on the railing, watching the boats.", "I'm going to the shops tonight.",
    "Ledge, ledge, railing: just words.",
])  # fmt: skip
def test_a_cue_alone_or_two_cues_of_one_lexicon_do_not_fire(text):
    assert not screen(text, combo("means + intent"))


def test_lexicon_rules_flag_nothing_themselves():
    assert not RuleSet([MEANS, INTENT]).screen("the railing, tonight, the pills, going to")


def test_the_window_decides_how_far_apart_cues_may_be():
    text = "The pills are here. I've decided. Anyway, the weather was nice all week."
    assert not screen(text, combo("means + intent"))
    assert screen(text, combo("means + intent", window="nearby"))
    far = "The pills are here. The weather was nice. The dog was fed. The bins went out. Decided."
    assert not screen(far, combo("means + intent", window="nearby"))
    assert screen(far, combo("means + intent", window="post"))
    assert screen(far, combo("means + intent", window="5 sentences"))
    words = "the pills were in the cupboard behind the tins and i have decided"
    assert not screen(words, combo("means + intent", window="4 words"))
    assert screen(words, combo("means + intent", window="12 words"))


def test_n_of_a_group_and_a_lexicon_named_twice_need_different_cues():
    two_of = combo("2 of (means, intent, leisure)")
    assert screen("the ledge, tonight", two_of)
    assert not screen("the ledge and the railing", two_of)  # two cues, one lexicon
    twice = combo("intent + intent")
    assert screen("I've decided: tonight.", twice)
    assert screen("tonight, and again tonight.", twice)  # two spans of one term are two cues
    assert not screen("I've decided.", twice)


def test_an_excluded_lexicon_in_the_window_stops_the_combo():
    rule = combo("means + intent - leisure")
    assert screen("I'm going to the railing tonight.", rule)
    assert not screen("I'm going to the railing tonight for the view.", rule)


def test_terms_match_like_phrases_and_a_star_ends_a_word():
    rule = combo("means + intent")
    for text in ["BLADES out, GOING  TO do it", "the blade's out, going-to", "DECIDED, the lot"]:
        assert screen(text, rule), text
    assert screen("bladerunner tonight", rule)  # "blade*" takes any ending
    assert not screen("railings tonight", rule)  # "railing" does not


def test_terms_split_by_a_line_break_or_hyphen_are_still_found():
    rule = combo("means + intent", window="post")
    assert screen("take the\nlot. decided", rule)
    assert screen("take the-lot. decided", rule)


# --- context ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I don't have any pills and I'm going to bed.", "I'm not going to the railing tonight",
    "I'm never going to touch the pills again",
])  # fmt: skip
def test_a_denied_cue_does_not_count(text):
    assert not screen(text, combo("means + intent"))


def test_a_negator_inside_an_earlier_cue_does_not_deny_later_ones():
    assert screen("I'm not getting down off this railing.", combo("means + intent"))


def test_a_combo_in_a_blockquote_is_not_the_writers_and_quoted_speech_is_worry():
    rule = combo("means + intent")
    assert not screen("> I've got the pills and I'm going to take the lot\n\nI hear you.", rule)
    assert not screen("the song goes 'railing tonight' and it's catchy", rule)
    assert lanes("my brother texted me 'pills, tonight' and won't answer", rule) == {
        ("crisis", "red")}  # fmt: skip


def test_a_combo_in_the_past_is_history_in_the_amber_lane():
    rule = combo("means + intent")
    matches = screen("Years ago I sat on the railing and decided to let go.", rule)
    assert [(m.lane, m.reason.split(":")[0]) for m in matches] == [("amber", "history")]


def test_a_combo_about_someone_else_is_worry_in_the_red_lane():
    matches = screen("My son says he's going to take the pills.", combo("means + intent"))
    assert [(m.category, m.lane) for m in matches] == [("crisis", "red")]
    assert matches[0].reason.startswith("worried about someone: ")


def test_advice_to_anyone_who_feels_this_way_is_not_a_crisis():
    assert not screen("If you ever feel you're going to take the pills, ring 116 123.",
                      combo("means + intent"))  # fmt: skip


def test_other_categories_are_not_read_in_context():
    abuse = combo("means + intent", category="harassment", lane="red")
    assert lanes("> the railing tonight", abuse) == {("harassment", "red")}
    assert lanes("I'm not going to the railing", abuse) == {("harassment", "red")}


def test_a_cap_lowers_its_category_when_its_cues_are_in_the_post():
    harm = Rule("t.harm", "self_harm", "crisis", pattern="cut myself")
    cap = Rule("t.cap", "self_harm", "red", kind="cap", pattern="safe", window="post")
    ruleset = RuleSet([SAFE, harm, cap, Rule("t.die", "crisis", "crisis", pattern="want to die")])
    capped = ruleset.screen("I cut myself last night. I'm safe now.")
    assert [(m.lane, m.reason) for m in capped] == [
        ("red", 'self_harm: "cut myself"; at most red: "i\'m safe now"')]  # fmt: skip
    assert highest_lane(ruleset.screen("I cut myself. I'm not safe now.")) == "crisis"
    assert highest_lane(ruleset.screen("I cut myself.\n> i'm safe now")) == "crisis"
    both = ruleset.screen("I cut myself and I want to die. I'm safe now.")
    assert {(m.category, m.lane) for m in both} == {("self_harm", "red"), ("crisis", "crisis")}


# --- rules as data ------------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "complaint"), [
    ({"key": "lexicon.Bad Name", "kind": "lexicon", "pattern": "x"}, "key must be"),
    ({"key": "x.words", "kind": "lexicon", "pattern": "x"}, "'lexicon.' then lowercase"),
    ({"key": "lexicon.w", "kind": "lexicon", "pattern": "a | | b"}, "empty term"),
    ({"key": "lexicon.w", "kind": "lexicon", "pattern": "a*b"}, "bad term 'a*b'"),
    ({"key": "lexicon.w", "kind": "lexicon", "pattern": "ab*"}, "bad term 'ab*'"),
    ({"key": "lexicon.w", "kind": "lexicon", "pattern": "-x"}, "bad term '-x'"),
    ({"key": "lexicon.w", "kind": "lexicon", "pattern": "x", "board": "grief"}, "every board"),
    ({"key": "t.c", "kind": "combo", "pattern": "means"}, "between 2 and 6"),
    ({"key": "t.c", "kind": "combo", "pattern": "means intent"}, "join the lexicons"),
    ({"key": "t.c", "kind": "combo", "pattern": "- means + intent"}, "must be lexicon names"),
    ({"key": "t.c", "kind": "combo", "pattern": "means + Intent"}, "'Intent' is not a lexicon"),
    ({"key": "t.c", "kind": "combo", "pattern": "means + 3 of (a, b)"}, "fewer lexicons"),
    ({"key": "t.c", "kind": "combo", "pattern": "means + intent - means"}, "also looked for"),
    ({"key": "t.c", "kind": "combo", "pattern": "a + b", "window": "paragraph"}, "unknown window"),
    ({"key": "t.c", "kind": "combo", "pattern": "a + b", "window": "0 words"}, "unknown window"),
    ({"key": "t.p", "pattern": "hello", "window": "post"}, "only combo and cap rules"),
    ({"key": "t.c", "kind": "combo", "pattern": "means + nowhere"}, "unknown lexicon 'nowhere'"),
])  # fmt: skip
def test_invalid_lexicons_and_combos_are_refused_naming_the_rule(row, complaint):
    data = [rules_to_json([MEANS, INTENT])[0], rules_to_json([INTENT])[0],
            {"category": "crisis", "lane": "crisis"} | row]  # fmt: skip
    with pytest.raises(RuleError, match=re.escape(complaint)) as refused:
        rules_from_json(data)
    assert repr(row["key"]) in str(refused.value)


def test_a_rule_set_refuses_a_combo_whose_lexicon_is_missing():
    with pytest.raises(RuleError, match="'t.combo': unknown lexicon 'elsewhere'"):
        RuleSet([MEANS, combo("means + elsewhere")])


def test_imported_combos_may_use_the_shipped_lexicons():
    imported = rules_from_json([{"key": "t.mine", "category": "crisis", "lane": "red",
                                 "kind": "combo", "pattern": "method + imminent"}])  # fmt: skip
    ruleset = RuleSet(merge_rules(default_rules(), imported))
    assert "t.mine" in {m.rule_key for m in ruleset.screen("the noose is ready tonight")}


def test_lexicons_and_combos_round_trip_through_json():
    rules = [MEANS, INTENT, LEISURE, SAFE,
             combo("means + 2 of (intent, leisure) - safe", window="nearby")]  # fmt: skip
    data = rules_to_json(rules)
    assert data[0] == {"key": "lexicon.means", "category": "crisis", "lane": "green",
                       "kind": "lexicon", "pattern": MEANS.pattern}  # fmt: skip
    assert data[4]["window"] == "nearby" and "window" not in data[0]
    assert rules_from_json(json.loads(json.dumps(data))) == rules


def test_overriding_or_disabling_a_lexicon_changes_the_combos_that_read_it():
    rule = combo("means + intent")
    text = "the rope, tonight"
    assert not RuleSet([MEANS, INTENT, rule]).screen(text)
    wider = replace(MEANS, pattern=MEANS.pattern + " | rope")
    assert RuleSet(merge_rules([MEANS, INTENT, rule], [wider])).screen(text)
    silenced = merge_rules([wider, INTENT, rule], [replace(INTENT, enabled=False)])
    assert not RuleSet(silenced).screen(text)
    unexcluded = [wider, INTENT, replace(LEISURE, enabled=False), combo("means + intent - leisure")]
    assert RuleSet(unexcluded).screen("the rope, tonight, the view")


def test_board_combos_apply_only_on_their_board():
    rule = combo("means + intent", board="grief")
    ruleset = RuleSet([MEANS, INTENT, rule])
    assert ruleset.screen("railing tonight", board="grief")
    assert not ruleset.screen("railing tonight", board="anxiety")


def test_the_shipped_lexicons_are_all_read_and_round_trip():
    shipped = default_rules()
    lexicons = {r.key.removeprefix("lexicon.") for r in shipped if r.kind == "lexicon"}
    read = set()
    for rule in shipped:
        if rule.kind in ("combo", "cap"):
            read |= set(re.findall(r"[a-z0-9_]+", re.sub(r"\d of", "", rule.pattern)))
    assert read == lexicons
    assert len(lexicons) >= 20 and sum(r.kind == "combo" for r in shipped) >= 30
    assert all(r.lane == "green" for r in shipped if r.kind == "lexicon")
    assert rules_from_json(rules_to_json(shipped)) == shipped


# --- the shipped rules --------------------------------------------------------------------------

INDIRECT_CRISIS = [
    "I'm sat on the bridge railing and I don't think I'm getting down",
    "in the car in the garage with the engine running",
    "I've got a full bottle of oxycodone and I'm planning to take the lot tonight",
    "giving away my stuff, won't need them where I'm going",
    "if I'm not on here tomorrow you'll know why",
    "My husband died last year. I've decided to go and be with him.",
    "took everything in the medicine cupboard",
    "I'm not hanging around to find out, I've already bought what I need",
    "sitting in the bath with a blade",
    "I'm standing on the edge of the multi-storey roof.",
    "Been stockpiling my sleeping tablets. Saturday when my partner's away.",
    "im at the top of the car park. gonna jump. tell my mum im sorry",
    "sorry everyone. i tried. i really did. goodbye x",
    "Can't stop thinking about swerving into oncoming traffic. Tomorrow I won't stop myself.",
]


@pytest.mark.parametrize("text", INDIRECT_CRISIS)
def test_indirect_crisis_posts_land_in_the_crisis_lane(rules, text):
    assert highest_lane(rules.screen(text)) == "crisis"


@pytest.mark.parametrize(("text", "lane"), [
    ("My sister keeps giving her things away and says she won't need them. I'm scared.", "red"),
    ("My mate posted 'see you on the other side' and now his phone's off.", "red"),
    ("Self-harmed again last night. It's cleaned and bandaged and I'm safe now.", "red"),
    ("Years ago I stood on a bridge and decided to jump. Today I got married.", "amber"),
])  # fmt: skip
def test_someone_elses_crisis_recent_self_harm_and_history_are_not_crisis(rules, text, lane):
    assert highest_lane(rules.screen(text)) == lane


@pytest.mark.parametrize("text", [
    "Took the kids to the top of the multi-storey to watch the fireworks tonight.",
    "We walked across the bridge at sunset, the views were stunning.",
    "I've decided to go back to college in September, the plan is to study nursing.",
    "I took all my meds this morning like clockwork, small win.",
    "I'm done with dating apps for good, deleting my account tonight.",
    "This is my last post before I go on holiday, see you all in two weeks!",
    "Finished my will today, my solicitor says everyone should do it at 40.",
    "I'm going to sleep for a week after this exam lol",
    "The new series of that baking show is to die for.",
    "I've bought rope and pegs for the camping trip tomorrow morning.",
])  # fmt: skip
def test_ordinary_posts_with_the_same_words_stay_out_of_crisis_and_red(rules, text):
    assert highest_lane(rules.screen(text)) not in {"crisis", "red"}


def test_the_development_set_meets_the_crisis_targets(rules):
    with open(DATA / "moderation_examples.jsonl", encoding="utf-8") as source:
        report = evaluate(rules, read_examples(source))
    confusion = report["confusion"]
    assert report["per_lane"]["crisis"]["recall"] >= 0.95
    assert confusion["crisis"]["amber"] + confusion["crisis"]["green"] == 0
    green = confusion["green"]
    assert (green["crisis"] + green["red"]) / sum(green.values()) <= 0.10
    assert report["macro_f1"] >= 0.85
