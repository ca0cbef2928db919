"""Train the screening model on labelled posts (needs the `train` extra: scikit-learn).

Training is deterministic: the solver is lbfgs, the folds are fixed by `seed`, and the
weights are rounded. Thresholds are chosen from cross-validated predictions, together
with the rules' own lanes, so that few green posts end up in the crisis or red lane. The
calm model is fitted on the posts the rules put in the crisis lane, and its threshold lies
below all but the CALM_SPARE share of the real crises among them, cross-validated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
ESCALATE = 0.05  # share of the rules' red posts not in crisis the model may raise to crisis
CALM_C = 8.0
CALM_SPARE = 0.002  # share of the real crises the rules caught that calming may lower (in CV)
CALM_MARGIN = 0.01
RuleLanes = tuple[str, str]  # the rules' lane, and the lane once crisis matches are calmed


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
    matrix, vocabulary = _matrix(csr_matrix, found)
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


def _matrix(csr_matrix: Any, found: list[list[str]]) -> tuple[Any, list[str]]:
    """Posts as rows of features seen in MIN_COUNT posts, scaled like `Classifier._logits`."""
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
    return csr_matrix((data, indices, pointers), shape=(len(found), len(vocabulary))), vocabulary


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


def rule_lanes(lanes: Iterable[str]) -> RuleLanes:
    """The rules' lane from the lanes of their matches, and the lane if crisis ones are calmed."""
    found = list(lanes)
    calmed = ["amber" if lane == "crisis" else lane for lane in found]
    return min(found, key=LANES.index, default="green"), min(calmed, key=LANES.index,
                                                             default="green")  # fmt: skip


def fit_calm(found: list[list[str]], crisis: Sequence[bool],
             c: float = CALM_C) -> tuple[dict[str, float], float]:  # fmt: skip
    """Fit the calm model, P(a real crisis), on posts the rules put in the crisis lane."""
    csr_matrix, logistic_regression, _ = _sklearn()
    matrix, vocabulary = _matrix(csr_matrix, found)
    model = logistic_regression(C=c, class_weight="balanced", max_iter=5000, random_state=0)
    model.fit(matrix, list(crisis))
    weights = {feature: round(float(w), DIGITS) for feature, w in zip(vocabulary, model.coef_[0],
                                                                      strict=True)}  # fmt: skip
    kept = {feature: w for feature, w in weights.items() if abs(w) >= PRUNE}
    return kept, round(float(model.intercept_[0]), DIGITS)


def calm_out_of_fold(found: list[list[str]], crisis: Sequence[bool], seed: int = 0) -> list[float]:
    """Each caught post's P(a real crisis) from a calm model trained on the other folds."""
    _, _, stratified = _sklearn()
    folds = stratified(n_splits=FOLDS, shuffle=True, random_state=seed)
    result = [0.0] * len(found)
    for train, test in folds.split(found, crisis):
        weights, bias = fit_calm([found[i] for i in train], [crisis[i] for i in train])
        probe = Classifier({}, [], {}, calm_weights=weights, calm_bias=bias)
        for i in test:
            result[i] = probe.crisis_odds(found[i])
    return result


def calm_threshold(odds: Sequence[float], crisis: Sequence[bool]) -> float:
    """Just below the cross-validated odds of all but CALM_SPARE of the real crises."""
    real = sorted(p for p, is_crisis in zip(odds, crisis, strict=True) if is_crisis)
    if not real:
        return 0.0
    return max(0.0, round(real[min(int(CALM_SPARE * len(real)), len(real) - 1)] - CALM_MARGIN, 4))


def choose_thresholds(probabilities: list[dict[str, float]], rule_lanes: Sequence[RuleLanes],
                      lanes: Sequence[str], calmed: Sequence[bool] | None = None,
                      false_alarms: float = FALSE_ALARMS,
                      overreach: float = OVERREACH) -> dict[str, float]:  # fmt: skip
    """The lowest thresholds keeping what the model adds to the rules within budget.

    `calmed` says which posts the calm model lowers. Red: the share of green posts in
    crisis or red, calmed and raised, stays within `false_alarms` of the rules' own.
    Crisis: that still holds, and the share of other posts it raises to crisis stays within
    `overreach`. Escalate: see `_escalate_threshold`. Amber stays off: the rules handle
    spam, contact details and doses.
    """
    rated = list(zip(probabilities, rule_lanes, calmed or [False] * len(lanes), lanes,
                     strict=True))  # fmt: skip
    off = {"crisis": 2.0, "red": 2.0, "amber": 2.0}
    # The budget starts from the rules alone: what calming saves, raising may spend.
    green_0, others_0 = _rates([(p, r, False, lane) for p, r, _, lane in rated], off)
    chosen = off
    for t in GRID:
        trial = chosen | {"red": t}
        if _rates(rated, trial)[0] <= green_0 + false_alarms:
            chosen = trial
            break
    for t in GRID:
        trial = chosen | {"crisis": max(t, chosen["red"])}
        green, others = _rates(rated, trial)
        if green <= green_0 + false_alarms and others <= others_0 + overreach:
            chosen = trial
            break
    return chosen | {"escalate": _escalate_threshold(probabilities, rule_lanes, lanes)}


def _escalate_threshold(probabilities: list[dict[str, float]], rule_lanes: Sequence[RuleLanes],
                        lanes: Sequence[str]) -> float:  # fmt: skip
    """The lowest P(crisis) raising at most ESCALATE of the other posts the rules put in red."""
    red = [(p["crisis"], lane)
           for p, (rule, _), lane in zip(probabilities, rule_lanes, lanes, strict=True)
           if rule == "red"]  # fmt: skip
    others = sum(lane != "crisis" for _, lane in red)
    for t in GRID:
        if sum(p >= t and lane != "crisis" for p, lane in red) <= ESCALATE * others:
            return t
    return 2.0


def final_lane(probe: Classifier, p: dict[str, float], rules: RuleLanes, calmed: bool) -> str:
    """The lane screening gives a post with these probabilities, rule lanes and calm verdict."""
    rule = rules[1] if rules[0] == "crisis" and calmed else rules[0]
    return min(rule, probe.lane_for(p, rules[0]), key=LANES.index)


def _rates(rated: list[tuple[dict[str, float], RuleLanes, bool, str]],
           thresholds: dict[str, float]) -> tuple[float, float]:  # fmt: skip
    """(green posts in crisis or red, other non-crisis posts in crisis) for these thresholds."""
    probe = Classifier({}, [], thresholds)
    greens = raised = others = overreached = 0
    for p, rules, calmed, lane in rated:
        final = final_lane(probe, p, rules, calmed)
        if lane == "green":
            greens += 1
            raised += final in ("crisis", "red")
        if lane != "crisis":
            others += 1
            overreached += final == "crisis"
    return raised / max(greens, 1), overreached / max(others, 1)


def train(examples: Sequence[tuple[str, str]], rule_lane: Callable[[str], str | RuleLanes],
          seed: int = 0, c: float = C) -> Classifier:  # fmt: skip
    """Train on (text, lane) pairs; thresholds come from cross-validation with the rules.

    `rule_lane(text)` is the lane the rules alone give a post, or the pair `rule_lanes`
    makes from the lanes of their matches.
    """
    texts = [text for text, _ in examples]
    lanes = [lane for _, lane in examples]
    found = featurise(texts)
    given = [rule_lane(t) for t in texts]
    pairs = [rule_lanes([g]) if isinstance(g, str) else g for g in given]
    caught = [i for i, (rule, _) in enumerate(pairs) if rule == "crisis"]
    crisis = [lanes[i] == "crisis" for i in caught]
    calm = _train_calm([found[i] for i in caught], crisis, seed)
    calmed = [False] * len(texts)
    for i, odds in zip(caught, calm[2], strict=True):
        calmed[i] = odds < calm[3]
    thresholds = choose_thresholds(out_of_fold(found, lanes, seed, c), pairs, lanes, calmed)
    model = fit(found, lanes, c, thresholds | {"calm": calm[3]})
    model.calm_weights, model.calm_bias = calm[0], calm[1]
    model.trained_on = {"examples": len(examples), "seed": seed, "c": c,
                        "lanes": {lane: lanes.count(lane) for lane in LANES}}  # fmt: skip
    return model


def _train_calm(found: list[list[str]], crisis: list[bool], seed: int
                ) -> tuple[dict[str, float], float, list[float], float]:  # fmt: skip
    """The calm model's weights and bias, its cross-validated odds and its threshold.

    Off (no weights) unless the rules caught enough of both kinds to cross-validate.
    """
    if min(sum(crisis), len(crisis) - sum(crisis)) < FOLDS:
        return {}, 0.0, [1.0] * len(found), 0.0
    odds = calm_out_of_fold(found, crisis, seed)
    weights, bias = fit_calm(found, crisis)
    return weights, bias, odds, calm_threshold(odds, crisis)
