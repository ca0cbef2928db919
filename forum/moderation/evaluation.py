"""Measure the screening rules on a labelled set: precision, recall, confusion, macro-F1."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from forum.moderation.screening import LANES, RuleSet, highest_lane

F1_LANES = ("crisis", "red", "amber")


class ExamplesInvalid(ValueError):
    """A line of the labelled set is not {"text": ..., "lane": ...} with a known lane."""


def read_examples(lines: Iterable[str]) -> list[tuple[str, str]]:
    """Parse JSON Lines of {"text", "lane"}; blank lines are skipped."""
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, lane = row["text"], row["lane"]
        except (ValueError, KeyError, TypeError) as error:
            raise ExamplesInvalid(f'line {number}: expected {{"text", "lane"}}') from error
        if lane not in LANES or not isinstance(text, str):
            raise ExamplesInvalid(f"line {number}: lane must be one of {', '.join(LANES)}")
        examples.append((text, lane))
    return examples


def predict_lane(ruleset: RuleSet, text: str) -> str:
    """The lane a new post with this text lands in (no flag at all counts as green)."""
    return highest_lane(ruleset.screen(text, None))


def evaluate(ruleset: RuleSet, examples: list[tuple[str, str]]) -> dict[str, Any]:
    """Precision and recall per lane, the confusion matrix and macro-F1 over crisis/red/amber."""
    confusion = {true: dict.fromkeys(LANES, 0) for true in LANES}
    for text, lane in examples:
        confusion[lane][predict_lane(ruleset, text)] += 1
    per_lane = {}
    for lane in LANES:
        hits = confusion[lane][lane]
        predicted = sum(confusion[t][lane] for t in LANES)
        actual = sum(confusion[lane].values())
        per_lane[lane] = {
            "precision": hits / predicted if predicted else 0.0,
            "recall": hits / actual if actual else 0.0,
        }
    f1s = [_f1(per_lane[lane]["precision"], per_lane[lane]["recall"]) for lane in F1_LANES]
    return {"per_lane": per_lane, "confusion": confusion, "macro_f1": sum(f1s) / len(f1s),
            "examples": len(examples)}  # fmt: skip


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table of the evaluation for the terminal."""
    lines = [f"{report['examples']} examples", "", f"{'lane':<8}{'precision':>11}{'recall':>9}"]
    for lane, scores in report["per_lane"].items():
        lines.append(f"{lane:<8}{scores['precision']:>11.3f}{scores['recall']:>9.3f}")
    lines += ["", "confusion (rows: true lane, columns: predicted)",
              " " * 8 + "".join(f"{lane:>8}" for lane in LANES)]  # fmt: skip
    for true, row in report["confusion"].items():
        lines.append(f"{true:<8}" + "".join(f"{row[p]:>8}" for p in LANES))
    lines += ["", f"macro-F1 (crisis, red, amber): {report['macro_f1']:.3f}"]
    return "\n".join(lines)
