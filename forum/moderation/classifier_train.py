"""Train the screening model on labelled posts (needs the `train` extra: scikit-learn).

Training is deterministic: the solver is lbfgs, the folds are fixed by `seed`, and the
weights are rounded. Thresholds are chosen from cross-validated predictions, together
with the rules' own lanes, so that few green posts end up in the crisis or red lane.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from forum.moderation.classifier import MODEL_LANES, Classifier, features
from forum.moderation.screening import LANES
from forum.moderation.screening_text import normalise

C = 32.0
MIN_COUNT = 2  # a feature must occur in this many training posts
PRUNE = 0.02  # weights smaller than this (on every lane) are dropped
DIGITS = 3
FOLDS = 5
# Budgets for what the model adds to the rules, on cross-validated predictions: at most
# this share of green posts newly raised to crisis or red, and at most this share of red,
# amber and green posts newly raised to crisis.
FALSE_ALARMS = 0.06
OVERREACH = 0.10
GRID = [round(0.05 + 0.01 * step, 2) for step in range(91)]


class TrainingUnavailable(RuntimeError):
    """scikit-learn is not installed (`pip install kindred[train]`)."""


def _sklearn() -> tuple[Any, Any, Any]:
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
    except ImportError:
        raise TrainingUnavailable(
            "training needs scikit-learn: pip install 'kindred[train]'"
        ) from None
    return csr_matrix, LogisticRegression, StratifiedKFold


def featurise(texts: Sequence[str]) -> list[list[str]]:
    """The features of each text, as screening sees it."""
    return [features(normalise(text)) for text in texts]


def fit(found: list[list[str]], lanes: Sequence[str], c: float = C,
        thresholds: dict[str, float] | None = None) -> Classifier:  # fmt: skip
    """Fit the weights on featurised posts; thresholds default to never raising a post."""
    csr_matrix, logistic_regression, _ = _sklearn()
    counts: dict[str, int] = {}
    for row in found:
        for feature in row:
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_COUNT)
    column = {f: i for i, f in enumerate(vocabulary)}
    data, indices, pointers = [], [], [0]
    for row in found:
        kept = [column[f] for f in row if f in column]
        value = 1 / len(row) ** 0.5 if row else 0.0
        indices += kept
        data += [value] * len(kept)
        pointers.append(len(indices))
    matrix = csr_matrix((data, indices, pointers), shape=(len(found), len(vocabulary)))
    model = logistic_regression(C=c, class_weight="balanced", max_iter=5000, random_state=0)
    model.fit(matrix, list(lanes))
    order = [list(model.classes_).index(lane) for lane in MODEL_LANES]
    coef = model.coef_[order] - model.coef_[order[-1]]
    bias = model.intercept_[order] - model.intercept_[order[-1]]
    weights = {}
    for j, feature in enumerate(vocabulary):
        row = [round(float(w), DIGITS) for w in coef[:-1, j]]
        if max(abs(w) for w in row) >= PRUNE:
            weights[feature] = row
    return Classifier(weights, [round(float(b), DIGITS) for b in bias[:-1]],
                      dict(thresholds or {"crisis": 2.0, "red": 2.0, "amber": 2.0}))  # fmt: skip


def out_of_fold(found: list[list[str]], lanes: Sequence[str], seed: int = 0,
                c: float = C) -> list[dict[str, float]]:  # fmt: skip
    """Each post's probabilities from a model trained on the other folds."""
    _, _, stratified = _sklearn()
    folds = stratified(n_splits=FOLDS, shuffle=True, random_state=seed)
    result: list[dict[str, float]] = [{} for _ in found]
    for train, test in folds.split(found, lanes):
        model = fit([found[i] for i in train], [lanes[i] for i in train], c)
        for i in test:
            result[i] = model.probabilities(found[i])
    return result


def choose_thresholds(probabilities: list[dict[str, float]], rule_lanes: Sequence[str],
                      lanes: Sequence[str], false_alarms: float = FALSE_ALARMS,
                      overreach: float = OVERREACH) -> dict[str, float]:  # fmt: skip
    """The lowest thresholds keeping what the model adds to the rules within budget.

    Red: the share of green posts the model raises to crisis or red stays within
    `false_alarms`. Crisis: that still holds, and the share of other posts it raises to
    crisis stays within `overreach`. Amber stays off: the rules handle spam, contact
    details and doses.
    """
    off = {"crisis": 2.0, "red": 2.0, "amber": 2.0}
    green_0, others_0 = _rates(probabilities, rule_lanes, lanes, off)
    chosen = off
    for t in GRID:
        trial = chosen | {"red": t}
        if _rates(probabilities, rule_lanes, lanes, trial)[0] <= green_0 + false_alarms:
            chosen = trial
            break
    for t in GRID:
        trial = chosen | {"crisis": max(t, chosen["red"])}
        green, others = _rates(probabilities, rule_lanes, lanes, trial)
        if green <= green_0 + false_alarms and others <= others_0 + overreach:
            chosen = trial
            break
    return chosen


def _rates(probabilities: list[dict[str, float]], rule_lanes: Sequence[str],
           lanes: Sequence[str], thresholds: dict[str, float]) -> tuple[float, float]:  # fmt: skip
    """(green posts in crisis or red, other non-crisis posts in crisis) for these thresholds."""
    probe = Classifier({}, [], thresholds)
    greens = raised = others = overreached = 0
    for p, rule_lane, lane in zip(probabilities, rule_lanes, lanes, strict=True):
        final = min(rule_lane, probe.lane_for(p), key=LANES.index)
        if lane == "green":
            greens += 1
            raised += final in ("crisis", "red")
        if lane != "crisis":
            others += 1
            overreached += final == "crisis"
    return raised / max(greens, 1), overreached / max(others, 1)


def train(examples: Sequence[tuple[str, str]], rule_lane: Callable[[str], str],
          seed: int = 0, c: float = C) -> Classifier:  # fmt: skip
    """Train on (text, lane) pairs; thresholds come from cross-validation with the rules.

    `rule_lane(text)` is the lane the rules alone give a post.
    """
    texts = [text for text, _ in examples]
    lanes = [lane for _, lane in examples]
    found = featurise(texts)
    thresholds = choose_thresholds(
        out_of_fold(found, lanes, seed, c), [rule_lane(t) for t in texts], lanes
    )
    model = fit(found, lanes, c, thresholds)
    model.trained_on = {"examples": len(examples), "seed": seed, "c": c,
                        "lanes": {lane: lanes.count(lane) for lane in LANES}}  # fmt: skip
    return model
