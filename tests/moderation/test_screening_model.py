"""The learned model beside the rules: lanes, reasons, negation and quotes, determinism, CLI."""

from __future__ import annotations

import json

import pytest

from forum.config import REPO_ROOT
from forum.extensions import db
from forum.moderation import classifier, rules
from forum.moderation.screening import MODEL_ALONE_WORDS, Rule, RuleSet, highest_lane
from forum.moderation.screening_text import normalise

CRISIS = (
    "I have saved up my tablets and tonight I am going to take them all. "
    "Goodbye everyone, I love you."
)
PASSIVE = "Some days I wish I could just fall asleep and not wake up. I would never do anything."
ABUSE = "You are a pathetic waste of space and everyone on this board hates you."
GREEN = "Had a lovely walk with the dog this morning and the sun came out. Small wins!"
DATA = REPO_ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def model() -> classifier.Classifier:
    return classifier.default_classifier()


@pytest.fixture(scope="module")
def screened(rules, model) -> RuleSet:  # type: ignore[no-untyped-def]
    """The shipped rules with the shipped model, as the forum screens."""
    return RuleSet(rules.rules, model)


def judge(model: classifier.Classifier, text: str) -> classifier.Verdict:
    return model.judge(normalise(text))


@pytest.mark.parametrize(
    ("text", "lane", "category"),
    [(CRISIS, "crisis", "crisis"), (PASSIVE, "red", "crisis"), (ABUSE, "red", "harassment"),
     (GREEN, "green", ""), ("Any tips for sleeping better on sertraline?", "green", "")],
)  # fmt: skip
def test_model_puts_clear_posts_in_their_lane_and_category(model, text, lane, category):
    verdict = judge(model, text)

    assert (verdict.lane, verdict.category) == (lane, category)


def test_reason_names_the_words_that_weighed_most(model):
    verdict = judge(model, CRISIS)

    assert verdict.reason.startswith("crisis: reads like")
    assert len(verdict.words) == 3
    for word in verdict.words:
        assert f'"{word}"' in verdict.reason
        assert all(part in normalise(CRISIS).replace("'", "") for part in word.split())
    assert "tablets" in verdict.words


def test_model_raises_a_post_the_rules_leave_green_with_a_model_flag(model):
    ruleset = RuleSet([Rule("t.spam", "spam", "amber", pattern="buy followers")], model)

    matches = ruleset.screen(CRISIS)

    assert [(m.rule_key, m.category, m.lane) for m in matches] == [
        ("model.crisis", "crisis", "crisis")
    ]
    assert matches[0].matched.split(", ")[0] in matches[0].reason


def test_the_model_alone_sends_a_short_post_to_red_at_most(model):
    """Seven words gave it "already", "down", "writing": not enough for the crisis page."""
    ruleset = RuleSet([Rule("t.spam", "spam", "amber", pattern="buy followers")], model)
    short = "Writing this down already helps a little."
    assert model.judge(normalise(short)).lane == "crisis"  # what the model alone reads

    assert [(m.rule_key, m.lane) for m in ruleset.screen(short)] == [("model.red", "red")]
    assert len(CRISIS.split()) >= MODEL_ALONE_WORDS  # a longer post still reaches crisis


def test_model_adds_nothing_when_the_rules_are_already_as_urgent(rules, screened):
    assert highest_lane(rules.screen(CRISIS)) == "crisis"

    assert not [m for m in screened.screen(CRISIS) if m.rule_key.startswith("model.")]


@pytest.mark.parametrize("text", [
    "I am not suicidal, just tired after a long week at work.",
    "I'm not going to hurt myself, I promise. I just need to vent about my sister.",
    f"> {CRISIS}\n\nPlease ring the crisis line, we are here for you.",
    f'Someone posted "{CRISIS}" on another site and I keep thinking about them.',
])  # fmt: skip
def test_denials_and_quoted_posts_stay_out_of_the_crisis_lane(screened, text):
    assert highest_lane(screened.screen(text)) != "crisis"


def _calming_model() -> classifier.Classifier:
    """A hand-made model whose calm model reads "wifi" as no crisis, and that raises nothing."""
    return classifier.Classifier(
        {}, [-9.0, -9.0, -9.0], {"crisis": 0.9, "red": 0.9, "amber": 2.0, "calm": 0.5},
        calm_weights={"wifi": -40.0}, calm_bias=3.0,
    )  # fmt: skip


def test_a_crisis_match_the_calm_model_reads_as_no_crisis_is_lowered_to_amber_not_further():
    ruleset = RuleSet([Rule("t.end", "crisis", "crisis", pattern="end it all")], _calming_model())

    matches = ruleset.screen("when the wifi drops mid-game i'm going to end it all")

    assert [(m.rule_key, m.lane) for m in matches] == [("t.end", "amber")]
    assert "at most amber: the model does not read it as a crisis now" in matches[0].reason
    assert highest_lane(ruleset.screen("i'm going to end it all tonight")) == "crisis"


def test_the_calm_model_only_reads_posts_the_rules_put_in_crisis():
    model = _calming_model()
    found = classifier.features("the wifi is down again")

    assert model.calms(found) and model.crisis_odds(found) < 0.5
    assert not model.judge("the wifi is down again", "red").calm
    assert model.judge("the wifi is down again", "crisis").calm


def test_a_post_the_rules_put_in_red_needs_less_to_reach_crisis():
    model = classifier.Classifier({}, [0.0] * 3, {"crisis": 0.8, "red": 0.8, "escalate": 0.5})
    p = {"crisis": 0.6, "red": 0.1, "amber": 0.1, "green": 0.2}

    assert model.lane_for(p, "red") == "crisis"
    assert model.lane_for(p, "green") == "green"


def test_calm_threshold_lies_below_all_but_a_sliver_of_the_real_crises():
    from forum.moderation import classifier_train

    odds = [0.9, 0.8, 0.3, 0.95, 0.05, 0.1, 0.7]
    crisis = [True, True, True, True, False, False, False]

    threshold = classifier_train.calm_threshold(odds, crisis)

    assert 0.1 < threshold < 0.3
    assert not any(p < threshold for p, real in zip(odds, crisis, strict=True) if real)


@pytest.mark.parametrize("text", [
    "I am not suicidal, just tired after a long week at work.",
    f"> {CRISIS}\n\nPlease ring the crisis line, we are here for you.",
    "Ten years ago I wanted to die every day. Today I ran my first 10k and I cried at the end.",
])  # fmt: skip
def test_shipped_model_keeps_denials_quotes_and_recovery_out_of_crisis_and_red(screened, text):
    assert highest_lane(screened.screen(text)) not in ("crisis", "red")


def test_quoted_and_negated_words_are_not_the_writers_features():
    found = classifier.features(normalise(f'> {CRISIS}\nShe said "tablets tonight". not suicidal'))

    assert "tablets" not in found and "tonight" not in found
    assert "~suicidal" in found and "suicidal" not in found


def test_model_file_round_trips_and_refuses_other_json(tmp_path, model):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")

    again = classifier.load(path)

    assert again.judge(normalise(CRISIS)) == model.judge(normalise(CRISIS))
    assert (again.calm_weights, again.calm_bias) == (model.calm_weights, model.calm_bias)
    assert model.calm_weights
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(classifier.ModelInvalid, match="not a Kindred screening model"):
        classifier.load(path)


def test_training_is_deterministic():
    from forum.moderation import classifier_train

    examples = _small_set()
    first = classifier_train.train(examples, lambda text: "green")
    second = classifier_train.train(examples, lambda text: "green")

    assert first.to_json() == second.to_json()
    assert first.weights


def _small_set() -> list[tuple[str, str]]:
    """Every fourth line of the tuned sets: enough of each lane, quick to train on."""
    lines = (DATA / "moderation_examples.jsonl").read_text(encoding="utf-8").splitlines()
    lines += (DATA / "moderation_holdout.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines[::4] if line.strip()]
    return [(row["text"], row["lane"]) for row in rows]


# CLI ----------------------------------------------------------------------------------------


@pytest.fixture
def cli(runner):
    def invoke(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(args=["forum", *args])
        db.session.expire_all()
        return result

    return invoke


def test_train_command_writes_a_model_that_evaluate_uses(cli, ctx, tmp_path):
    source = tmp_path / "small.jsonl"
    source.write_text(
        "".join(json.dumps({"text": t, "lane": lane}) + "\n" for t, lane in _small_set()),
        encoding="utf-8",
    )
    out = tmp_path / "model.json"

    trained = cli("moderation", "train", str(source), "--out", str(out))

    assert trained.exit_code == 0, trained.output
    assert trained.output.startswith(f"Trained on {len(_small_set())} examples")
    model = classifier.load(out)
    assert model.trained_on["examples"] == len(_small_set())
    evaluated = cli("moderation", "evaluate", str(DATA / "moderation_holdout.jsonl"),
                    "--model", str(out), "--json")  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output
    assert sum(json.loads(evaluated.output)["confusion"]["crisis"].values()) == 55


def test_train_command_refuses_a_set_missing_a_lane(cli, ctx, tmp_path):
    source = tmp_path / "green.jsonl"
    source.write_text(json.dumps({"text": "hello", "lane": "green"}) + "\n", encoding="utf-8")

    result = cli("moderation", "train", str(source), "--out", str(tmp_path / "m.json"))

    assert result.exit_code == 1
    assert "need every lane" in result.output


def test_evaluate_includes_the_model_unless_told_rules_only(cli, ctx, tmp_path):
    source = tmp_path / "one.jsonl"
    text = "honestly the world would be a better place without people like @marigold_m in it"
    source.write_text(json.dumps({"text": text, "lane": "red"}) + "\n", encoding="utf-8")

    with_model = json.loads(cli("moderation", "evaluate", str(source), "--json").output)
    alone = json.loads(cli("moderation", "evaluate", str(source), "--rules-only", "--json").output)

    assert with_model["confusion"]["red"]["red"] == 1
    assert alone["confusion"]["red"]["green"] == 1


def test_forum_ruleset_screens_with_the_shipped_model(ctx):
    assert rules.current_ruleset().model is classifier.default_classifier()
