"""A small learned text classifier beside the rules: weights as data, inference in plain Python.

The model is a multinomial logistic regression over words and word pairs, trained by
`flask forum moderation train` (see `classifier_train`) and shipped as `classifier.json`
next to `default_rules.json`. Screening a post is one dictionary look-up per word and word
pair and a sum. The model raises a post's lane, and its reason names the words that weighed
most, so a facilitator can see why. A second, binary model ("calm") reads only posts the
rules put in the crisis lane: when it is confident such a post is not a crisis (a joke, an
exam, a game, a story of long ago) the crisis matches are lowered to amber, so a facilitator
still sees the post but it does not jump the queue.

Before the words are counted, Markdown blockquotes and double-quoted passages are dropped
(someone else's words do not make the writer's crisis) and the few words after a negator
are marked ("not suicidal" is another feature than "suicidal").
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FORMAT = "kindred-screening-model/1"
MODEL_LANES = ("crisis", "red", "amber", "green")
# Words after a negator that turn it into a hedge ("I don't know how to go on").
_HEDGES = _words(
    "know think care understand get realise realize remember see mind want stop sure okay"
    " ok fine good well alright"
)
_NEGATORS = _words(
    "not never dont doesnt didnt isnt wasnt arent werent wont wouldnt shouldnt havent"
    " hasnt hadnt nor"
)
_CLAUSE_WORDS = _words("but and so because cos though although yet or")
_NEGATION_REACH = 3
_BREAKS = frozenset(".!?;:,()\n\u2013\u2014-")  # they end a word pair and a negation
_TOKEN = re.compile(r"[^\W_]+|[.!?;:,()\n\u2013\u2014-]")
_ASCII_TOKEN = re.compile(r"[a-zA-Z0-9]+|[.!?;:,()\n-]")  # the same on ASCII text, and faster
_QUOTED = re.compile(r'"[^"\n]{1,400}"')
_BLOCKQUOTE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
# Words too common to carry meaning alone: not features on their own (only in word pairs),
# and never named in a reason. Left as features they teach the model the style of the
# training posts ("ive", "when") rather than what the posts say.
_PLAIN = (
    _words(
        "i im me my myself we our you your he she it its they them their a an the to of and"
        " or but so is am are was were be been being this that these those in on at for with"
        " as by from up out about into over just all have has had do does did will would can"
        " could ive ill id youre theres thats if when then than there here what who how why"
        " which some any more very really too also get got s t one go going know want"
    )
    | _NEGATORS
)
_SECOND_PERSON = _words("you your youre yourself u ur ya")
_FIRST_PERSON = _words("i im me my myself ive ill id")
_REASONS = {
    "crisis": ("crisis", "reads like someone at risk of ending their life or harming themselves"),
    "red": ("crisis", "reads like thoughts of death or of harm that need a facilitator soon"),
    "red/harassment": ("harassment", "reads like an attack on or threat to a member"),
    "amber": ("medication", "reads like it needs a facilitator's look"),
}


class ModelInvalid(ValueError):
    """A model file is not a Kindred screening model; the message says what is wrong."""


def features(text: str) -> list[str]:
    """The distinct word and word-pair features of normalised `text`, in order of first use."""
    if ">" in text:
        text = _BLOCKQUOTE.sub("", text)
    if '"' in text:
        text = _QUOTED.sub(" ", text)
    if "'" in text:  # "don't" is the word "dont"; a quote mark next to a word goes too
        text = text.replace("'", "")
    tokens = (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)
    if _NEGATORS.isdisjoint(tokens):
        return _plain_features(tokens)
    seen: dict[str, None] = {}
    previous = None
    scope = 0
    last = len(tokens) - 1
    for index, word in enumerate(tokens):
        if word in _BREAKS:
            previous, scope = None, 0
            continue
        base = word
        if word in _CLAUSE_WORDS:
            scope = 0
        elif scope:
            scope -= 1
            word = "~" + word
        if word in _NEGATORS:
            hedged = index < last and tokens[index + 1] in _HEDGES
            scope = 0 if hedged else _NEGATION_REACH
        if base not in _PLAIN:
            seen[word] = None
        if previous is not None:
            seen[previous + " " + word] = None
        previous = word
    return list(seen)


def _plain_features(tokens: list[str]) -> list[str]:
    """`features` for tokens without a negator, where no word is marked: the common case."""
    seen: dict[str, None] = {}
    previous = None
    breaks, plain = _BREAKS, _PLAIN
    for word in tokens:
        if word in breaks:
            previous = None
            continue
        if word not in plain:
            seen[word] = None
        if previous is not None:
            seen[f"{previous} {word}"] = None
        previous = word
    return list(seen)


@dataclass(frozen=True)
class Verdict:
    """What the model makes of a post: the probability per lane and the words behind it."""

    probabilities: dict[str, float]
    lane: str
    words: tuple[str, ...] = ()
    category: str = ""
    reason: str = ""
    calm: bool = False  # the rules said crisis and the calm model is sure it is not one


@dataclass
class Classifier:
    """A trained model: per-feature weights relative to green, a bias, and lane thresholds.

    `weights[feature]` holds one weight per lane of `lanes[:-1]`; the last lane (green) is
    the reference whose logit is zero. A post goes to the crisis lane when P(crisis) reaches
    `thresholds["crisis"]`, to red when P(crisis) + P(red) reaches `thresholds["red"]`, and
    to amber when P(amber) reaches `thresholds["amber"]` (a threshold above 1 turns it off).
    When the rules say red, P(crisis) reaching `thresholds["escalate"]` raises it to crisis.

    `calm_weights` and `calm_bias` are a logistic model of P(a real crisis) among posts the
    rules put in the crisis lane; below `thresholds["calm"]` their crisis matches are calmed.
    """

    weights: dict[str, list[float]]
    bias: list[float]
    thresholds: dict[str, float]
    lanes: tuple[str, ...] = MODEL_LANES
    trained_on: dict[str, Any] = field(default_factory=dict)
    calm_weights: dict[str, float] = field(default_factory=dict)
    calm_bias: float = 0.0

    def probabilities(self, found: list[str]) -> dict[str, float]:
        """P(lane) for a post with these distinct features."""
        logits = self._logits(found)
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {lane: e / total for lane, e in zip(self.lanes, exps, strict=True)}

    def _logits(self, found: list[str]) -> list[float]:
        # Unrolled for the three lanes but green (`from_json` checks there are three).
        crisis = red = amber = 0.0
        get = self.weights.get
        for feature in found:
            row = get(feature)
            if row is not None:
                crisis += row[0]
                red += row[1]
                amber += row[2]
        scale = 1 / math.sqrt(len(found)) if found else 0.0
        sums = (crisis, red, amber)
        return [b + s * scale for b, s in zip(self.bias, sums, strict=True)] + [0.0]

    def judge(self, text: str, rule_lane: str = "green") -> Verdict:
        """The lane the model puts normalised `text` in, with the words that weighed most.

        `rule_lane` is the lane the rules gave the post (see `lane_for`).
        """
        found = features(text)
        probabilities = self.probabilities(found)
        lane = self.lane_for(probabilities, rule_lane)
        calm = rule_lane == "crisis" and self.calms(found)
        if lane == "green":
            return Verdict(probabilities, lane, calm=calm)
        words = self.top_words(found, lane)
        key = "red/harassment" if lane == "red" and _aimed_at_someone(found) else lane
        category, gist = _REASONS[key]
        shown = ", ".join(f'"{w}"' for w in words)
        reason = f"{category}: {gist} ({shown})" if shown else f"{category}: {gist}"
        return Verdict(probabilities, lane, words, category, reason, calm)

    def lane_for(self, probabilities: dict[str, float], rule_lane: str = "green") -> str:
        """The most urgent lane whose threshold the probabilities reach; green otherwise.

        When the rules put the post in red, the lower `thresholds["escalate"]` takes it to
        crisis: the rules' cue and the model's reading agree that it is urgent.
        """
        p = probabilities
        crisis = self.thresholds.get("escalate" if rule_lane == "red" else "crisis", 2.0)
        if p["crisis"] >= min(crisis, self.thresholds.get("crisis", 2.0)):
            return "crisis"
        if p["crisis"] + p["red"] >= self.thresholds.get("red", 2.0):
            return "red"
        if p["amber"] >= self.thresholds.get("amber", 2.0):
            return "amber"
        return "green"

    def crisis_odds(self, found: list[str]) -> float:
        """P(a real crisis) for a post the rules put in the crisis lane, by the calm model."""
        weights = self.calm_weights
        total = sum(weights.get(feature, 0.0) for feature in found)
        scale = 1 / math.sqrt(len(found)) if found else 0.0
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, self.calm_bias + total * scale))))

    def calms(self, found: list[str]) -> bool:
        """Whether the calm model is sure a post the rules put in crisis is not a crisis."""
        threshold = self.thresholds.get("calm", 0.0)
        return bool(self.calm_weights) and self.crisis_odds(found) < threshold

    def top_words(self, found: list[str], lane: str, most: int = 3) -> tuple[str, ...]:
        """The features found that pushed hardest towards `lane`, plain words left out."""
        index = self.lanes.index(lane)
        red = self.lanes.index("red")
        scored = []
        for feature in found:
            row = self.weights.get(feature)
            if row is None or all(w in _PLAIN for w in feature.split()):
                continue
            weight = row[index] if lane != "red" else max(row[index], row[red])
            if weight > 0:
                scored.append((-weight, feature))
        scored.sort()
        return tuple(f.replace("~", "not ") for _, f in scored[:most])

    def to_json(self) -> dict[str, Any]:
        """The model as a JSON-ready dict (the format `load` reads)."""
        return {"format": FORMAT, "lanes": list(self.lanes), "bias": self.bias,
                "thresholds": self.thresholds, "trained_on": self.trained_on,
                "weights": self.weights,
                "calm": {"bias": self.calm_bias, "weights": self.calm_weights}}  # fmt: skip


def _aimed_at_someone(found: list[str]) -> bool:
    """Whether a post speaks to another person ("you", "your") more than about the writer."""
    words = [w for feature in found if " " in feature for w in feature.split()]
    return sum(w in _SECOND_PERSON for w in words) > sum(w in _FIRST_PERSON for w in words)


def from_json(data: Any) -> Classifier:
    """Build a Classifier from the dict `to_json` wrote; ModelInvalid if it is not one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelInvalid(f"not a Kindred screening model (expected format {FORMAT!r})")
    try:
        lanes = tuple(data["lanes"])
        bias = [float(b) for b in data["bias"]]
        thresholds = {str(k): float(v) for k, v in data["thresholds"].items()}
        weights = {str(k): [float(w) for w in v] for k, v in data["weights"].items()}
        calm = data.get("calm") or {"bias": 0.0, "weights": {}}
        calm_bias = float(calm["bias"])
        calm_weights = {str(k): float(v) for k, v in calm["weights"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ModelInvalid(f"the model file is incomplete ({error})") from None
    if lanes != MODEL_LANES or len(bias) != len(lanes) - 1:
        raise ModelInvalid(f"the model's lanes must be {', '.join(MODEL_LANES)}")
    if any(len(row) != len(bias) for row in weights.values()):
        raise ModelInvalid("every weight row needs one weight per lane but green")
    trained_on = dict(data.get("trained_on") or {})
    return Classifier(weights, bias, thresholds, lanes, trained_on, calm_weights, calm_bias)


def load(path: str | Path) -> Classifier:
    """Read a model file written by `flask forum moderation train`."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelInvalid(f"cannot read the model file {path}: {error}") from None
    return from_json(data)


@cache
def default_classifier() -> Classifier:
    """The model Kindred ships, read once per process from the package's classifier.json."""
    source = resources.files("forum.moderation").joinpath("classifier.json")
    return from_json(json.loads(source.read_text(encoding="utf-8")))
