"""`flask forum moderation ...` and `flask forum log ...`: screening and the action log."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime
from typing import Any

import click
from flask.cli import AppGroup

from forum.extensions import db
from forum.moderation import evaluation, health, hours, log, pipeline, rules
from forum.moderation.screening import RuleError


def register(group: AppGroup) -> None:
    group.add_command(moderation)
    group.add_command(log_group)


@click.group("moderation")
def moderation() -> None:
    """Screening, the review queue's health, and the screening rules."""


@moderation.command("sweep")
def sweep() -> None:
    """Re-enqueue revisions whose screening Redis lost; fail those past their attempts."""
    report = pipeline.sweep()
    click.echo(f"Re-enqueued {report.requeued}; marked {report.failed} as needing manual review.")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@moderation.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats(as_json: bool) -> None:
    """Queue health: pending jobs, oldest unscreened revision, failed jobs, workers, lanes."""
    figures = health.queue_health()
    data = _jsonable(asdict(figures)) | {"worker_alive": figures.worker_alive}
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    for key, value in data.items():
        click.echo(f"{key:>20}: {value}")


@moderation.command("evaluate")
@click.argument("source", type=click.File("r"))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(source, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Screen each {"text", "lane"} line as a new post and print precision and recall."""
    try:
        examples = evaluation.read_examples(source)
    except evaluation.ExamplesInvalid as error:
        raise click.ClickException(str(error)) from None
    except UnicodeDecodeError:
        raise click.ClickException("the file is not UTF-8 text") from None
    report = evaluation.evaluate(rules.current_ruleset(), examples)
    if as_json:
        keys = ("per_lane", "confusion", "macro_f1")
        click.echo(json.dumps({k: report[k] for k in keys}, indent=2))
    else:
        click.echo(evaluation.format_report(report))


@moderation.group("rules")
def rules_group() -> None:
    """Export, import or reset the screening rules (phrases and patterns per category)."""


@rules_group.command("export")
@click.argument("target", type=click.File("w"), default="-")
def rules_export(target) -> None:  # type: ignore[no-untyped-def]
    """Write the rules in force as JSON (to a file, or standard output)."""
    json.dump(rules.export_rules(), target, indent=2, ensure_ascii=False)
    target.write("\n")


@rules_group.command("import")
@click.argument("source", type=click.File("r"))
def rules_import(source) -> None:  # type: ignore[no-untyped-def]
    """Add or replace rules from a JSON list; a rule with a shipped key replaces it."""
    try:
        count = rules.import_rules(json.load(source))
    except (ValueError, RuleError) as error:
        raise click.ClickException(f"No rule was imported: {error}") from None
    db.session.commit()
    click.echo(f"Imported {count} rules.")


@rules_group.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def rules_reset(yes: bool) -> None:
    """Drop every admin rule and go back to the shipped defaults."""
    if not yes:
        click.confirm("Drop every imported rule?", abort=True)
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
def log_verify() -> None:
    """Check every row's hash and link; exit 1 at the first broken row."""
    report = log.verify_chain()
    if not report.ok:
        click.echo(f"Broken at row {report.first_bad_id} after {report.checked} good rows.")
        sys.exit(1)
    click.echo(f"OK: {report.checked} rows, chain intact.")
