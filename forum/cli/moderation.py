"""`flask forum moderation ...` and `flask forum log ...`: screening and the action log."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime

import click
from flask.cli import AppGroup

from forum.cli.common import (
    SINCE,
    board,
    confirm,
    emit_json,
    fail,
    json_option,
    plural,
    progress,
    when,
    yes_option,
)
from forum.extensions import db
from forum.moderation import classifier, evaluation, health, hours, log, pipeline, rescan, rules
from forum.moderation.screening import LANES, RuleError, RuleSet


def register(group: AppGroup) -> None:
    group.add_command(moderation)
    group.add_command(log_group)


@click.group("moderation", short_help="Screening, queue health and rules.")
def moderation() -> None:
    """Screening, the review queue's health, and the screening rules."""


@moderation.command("sweep", short_help="Re-enqueue screening that Redis lost.")
@json_option
def sweep(as_json: bool) -> None:
    """Re-enqueue revisions whose screening Redis lost; fail those past their attempts."""
    report = pipeline.sweep()
    if as_json:
        emit_json({"requeued": report.requeued, "failed": report.failed})
        return
    click.echo(f"Re-enqueued {report.requeued}; marked {report.failed} as needing manual review.")


@moderation.command("rescan", short_help="Screen existing posts again.")
@click.option("--board", "slug", metavar="SLUG", help="Only posts on this board.")
@click.option("--since", type=SINCE, help="Only posts written or edited since DATE (or 7d).")
@click.option("--now", "at_once", is_flag=True,
              help="Screen here and now instead of through the workers.")  # fmt: skip
@json_option
def rescan_command(slug: str | None, since: datetime | None, at_once: bool, as_json: bool) -> None:
    """Screen existing posts again (after changing the rules): their current versions."""
    where = board(slug) if slug else None
    total = rescan.count_rescan(where, since)
    report = rescan.RescanReport()
    with progress(total, "Re-screening") as bar:
        for batch in rescan.rescan_batches(where, since):
            report.add(rescan.rescan_batch(batch, now=at_once))
            db.session.commit()
            bar.update(len(batch))
    if as_json:
        emit_json(asdict(report) | {"queued": not at_once})
    elif at_once:
        click.echo(
            f"Screened {plural(report.screened, 'post')}; {plural(report.new_flags, 'new flag')}."
        )
    else:
        click.echo(f"Queued {plural(report.revisions, 'post')} for screening by the workers.")


@moderation.command("stats", short_help="Queue health.")
@json_option
def stats(as_json: bool) -> None:
    """Queue health: pending jobs, oldest unscreened revision, failed jobs, workers, lanes."""
    figures = health.queue_health()
    data = asdict(figures) | {"worker_alive": figures.worker_alive}
    if as_json:
        emit_json(data)
        return
    for key, value in data.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{lane} {_text(v)}" for lane, v in value.items())
        else:
            shown = _text(value)
        click.echo(f"{key:>20}: {shown}")


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return when(value)
    return "-" if value is None else str(value)


@moderation.command("evaluate", short_help="Measure the rules and model on a labelled set.")
@click.argument("source", type=click.File("r"))
@click.option("--model", "model_path", metavar="PATH",
              help="Screen with this trained model instead of the one in force.")  # fmt: skip
@click.option("--rules-only", is_flag=True, help="Screen with the rules alone, no model.")
@json_option
def evaluate(source, model_path: str | None, rules_only: bool, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Screen each {"text", "lane"} line as a new post and print precision and recall."""
    examples = _read_examples(source)
    ruleset = rules.current_ruleset()
    if rules_only or model_path:
        ruleset = RuleSet(ruleset.rules, _model(model_path) if model_path else None)
    report = evaluation.evaluate(ruleset, examples)
    if as_json:
        emit_json({k: report[k] for k in ("per_lane", "confusion", "macro_f1")})
    else:
        click.echo(evaluation.format_report(report))


@moderation.command("train", short_help="Train the screening model on labelled sets.")
@click.argument("sources", nargs=-1, required=True, type=click.File("r"))
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False),
              help="Where to write the model (JSON).")  # fmt: skip
@click.option("--seed", default=0, show_default=True, help="Seed for the cross-validation folds.")
def train(sources, target: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Train the model screening uses beside the rules on {"text", "lane"} JSON Lines files.

    Thresholds come from cross-validation together with the rules in force. Use the
    result with FORUM_SCREENING_MODEL=PATH; check it first with `evaluate --model PATH`.
    Needs scikit-learn (pip install 'kindred[train]').
    """
    from forum.moderation import classifier_train

    examples = [example for source in sources for example in _read_examples(source)]
    if len({lane for _, lane in examples}) < len(LANES):
        raise click.ClickException(f"the examples need every lane: {', '.join(LANES)}")
    alone = RuleSet(rules.current_ruleset().rules, None)
    try:
        model = classifier_train.train(
            examples, lambda t: classifier_train.rule_lanes(m.lane for m in alone.screen(t)), seed
        )
    except classifier_train.TrainingUnavailable as error:
        raise click.ClickException(str(error)) from None
    except ValueError as error:  # too few examples of a lane for the folds
        raise click.ClickException(f"cannot train on these examples: {error}") from None
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(model.to_json(), handle, ensure_ascii=False, separators=(",", ":"))
    thresholds = ", ".join(f"{k} {v:.2f}" for k, v in model.thresholds.items() if v <= 1)
    size = f"{plural(len(examples), 'example')}: {plural(len(model.weights), 'feature')}"
    click.echo(f"Trained on {size}; thresholds {thresholds or 'off'}.")


def _read_examples(source) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    try:
        return evaluation.read_examples(source)
    except evaluation.ExamplesInvalid as error:
        raise click.ClickException(str(error)) from None
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text") from None


def _model(path: str) -> classifier.Classifier:
    try:
        return classifier.load(path)
    except classifier.ModelInvalid as error:
        raise click.ClickException(str(error)) from None


@moderation.group("rules", short_help="Export, import or reset the rules.")
def rules_group() -> None:
    """Export, import or reset the screening rules (phrases and patterns per category)."""


@rules_group.command("export")
@click.argument("target", type=click.File("w"), default="-")
def rules_export(target) -> None:  # type: ignore[no-untyped-def]
    """Write the rules in force as JSON (to a file, or standard output)."""
    json.dump(rules.export_rules(), target, indent=2, ensure_ascii=False)
    target.write("\n")


@rules_group.command("import", short_help="Add or replace rules from JSON.")
@click.argument("source", type=click.File("r"))
@yes_option
def rules_import(source, yes: bool) -> None:  # type: ignore[no-untyped-def]
    """Add or replace rules from a JSON list; a rule with a key in force replaces it.

    Asks first when the file changes rules in force (skipped with --yes).
    """
    try:
        data = json.load(source)
        changed = rules.keys_changed_by(data)
    except (ValueError, TypeError, RuleError) as error:
        raise click.ClickException(f"No rule was imported: {error}") from None
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        confirm(f"This changes {len(changed)} rules in force ({shown}). Import?", yes)
    count = rules.import_rules(data)
    db.session.commit()
    click.echo(f"Imported {count} rules.")


@rules_group.command("reset")
@yes_option
def rules_reset(yes: bool) -> None:
    """Drop every admin rule and go back to the shipped defaults."""
    confirm("Drop every imported rule?", yes)
    count = rules.reset_rules()
    db.session.commit()
    click.echo(f"Dropped {count} rules; the shipped defaults apply.")


@moderation.command("hours")
@click.argument("span", required=False)
@click.option("--clear", is_flag=True, help="Facilitated at all hours.")
def set_hours(span: str | None, clear: bool) -> None:
    """Show or set facilitated hours, e.g. "09:00-21:00 Europe/London"."""
    if clear:
        hours.set_hours(None)
        db.session.commit()
        click.echo("Facilitated at all hours.")
        return
    if span is None:
        click.echo(str(hours.current_hours() or "Facilitated at all hours."))
        return
    try:
        click.echo(f"Facilitated hours: {hours.set_hours(span)}")
    except hours.HoursInvalid as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()


@click.group("log")
def log_group() -> None:
    """The hash-chained action log."""


@log_group.command("verify")
@json_option
def log_verify(as_json: bool) -> None:
    """Check every row's hash and link; exit 1 at the first broken row."""
    report = log.verify_chain()
    if as_json:
        emit_json(asdict(report))
        sys.exit(0 if report.ok else 1)
    if not report.ok:
        fail(f"Broken at row {report.first_bad_id} after {report.checked} good rows.")
    click.echo(f"OK: {report.checked} rows, chain intact.")


@log_group.command("show", short_help="Show the latest action-log rows.")
@click.option("--since", type=SINCE, help="Only rows since DATE (2026-11-24, or 7d, 12h).")
@click.option("--action", help="Only rows of this action (e.g. hide, sanction_mute).")
@click.option("--limit", default=100, show_default=True, help="The latest N rows (0: all).")
@json_option
def log_show(since: datetime | None, action: str | None, limit: int, as_json: bool) -> None:
    """Show the latest action-log rows, oldest first: when, who acted, what, why.

    Rows name the post and review item acted on, never the member they were about.
    """
    rows = log.log_entries(since, action, limit or None)
    entries = [
        {"id": r.id, "created_at": r.created_at, "actor": r.actor_label, "action": r.action,
         "review_item_id": r.review_item_id, "post_id": r.post_id, "reason": r.reason,
         "details": json.loads(r.details), "hash": r.hash}
        for r in rows
    ]  # fmt: skip
    if as_json:
        emit_json(entries)
        return
    if not entries:
        click.echo("No log rows match.")
    for e in entries:
        words = [f"#{e['id']}", when(e["created_at"]), e["actor"], e["action"]]
        words += [
            f"{key.split('_')[0]} {e[key]}" for key in ("post_id", "review_item_id") if e[key]
        ]
        click.echo(" ".join(words) + (f": {e['reason']}" if e["reason"] else ""))
