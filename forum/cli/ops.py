"""`flask forum stats`, `check` and `backup`: figures, configuration sanity and backups."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from forum.cli.common import confirm, emit_json, fail, json_option, progress, yes_option
from forum.extensions import db
from forum.ops import backup as backups
from forum.ops.checks import run_checks
from forum.ops.stats import site_stats


def register(group: AppGroup) -> None:
    group.add_command(stats)
    group.add_command(check)
    group.add_command(backup)


@click.command("stats", short_help="Members, posts per day, queue and backlog.")
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 366),
              help="How many days of posts per day.")  # fmt: skip
@json_option
def stats(days: int, as_json: bool) -> None:
    """Members, posts per day, review-queue sizes and ages per lane, screening backlog."""
    data = site_stats(days)
    if as_json:
        emit_json(data)
        return
    members = data["members"]
    click.echo(f"Members: {members['total']:,} ({members['joined_last_7_days']:,} joined in the "
               f"last 7 days; {members['admins']} admins; {members['muted']} muted, "
               f"{members['suspended']} suspended)")  # fmt: skip
    click.echo(f"Boards: {data['boards']}  Threads: {data['threads']:,}  Posts: {data['posts']:,}")
    click.echo(f"Posts per day (last {days}):")
    for row in data["posts_per_day"]:
        click.echo(f"  {row['day']}  {row['posts']:>7,}")
    click.echo("Review queue (open / oldest / overdue):")
    for lane, figures in data["queue"].items():
        age = figures["oldest_age_minutes"]
        click.echo(f"  {lane:<7} {figures['open']:>5}  {_minutes(age):>9}  {figures['overdue']:>5}")
    screening = data["screening"]
    click.echo(
        f"Screening backlog: {screening['backlog']:,} (oldest "
        f"{_minutes(screening['oldest_age_minutes'])}); failed: {screening['failed']}"
    )
    jobs = data["jobs"]
    if jobs["redis_up"]:
        click.echo(
            f"Jobs: {jobs['queued']} queued, {jobs['failed']} failed; workers: "
            f"{jobs['workers']} ({'alive' if jobs['worker_alive'] else 'no heartbeat'})"
        )
    else:
        click.echo("Jobs: Redis is unreachable.")


def _minutes(age: int | None) -> str:
    if age is None:
        return "-"
    if age < 120:
        return f"{age} min"
    return f"{age // 60} h" if age < 2880 else f"{age // 1440} days"


@click.command("check", short_help="Check the configuration; exit 1 if wrong.")
@json_option
def check(as_json: bool) -> None:
    """Check the configuration: secret key, database and migrations, Redis, a worker
    heartbeat in the last minute, review time targets. Exits 1 if any check fails."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    results = run_checks(app)
    failed = [c for c in results if not c.ok]
    if as_json:
        emit_json({"ok": not failed, "checks": [asdict(c) for c in results]})
    else:
        for item in results:
            click.echo(f"{'ok  ' if item.ok else 'FAIL'}  {item.name:<13} {item.detail}")
    if failed:
        if not as_json:
            click.echo(f"Error: {len(failed)} of {len(results)} checks failed.", err=True)
        sys.exit(1)


@click.command("backup", short_help="Back up the database (an online copy).")
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@yes_option
def backup(target: Path, yes: bool) -> None:
    """Copy the SQLite database to FILE while Kindred runs (PostgreSQL: print the pg_dump
    command to use). The copy holds everything: keep it as safe as the database."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        click.echo(backups.pg_dump_command(url, str(target)))
        click.echo("# pg_dump reads the password from ~/.pgpass or PGPASSWORD, or asks for it.",
                   err=True)  # fmt: skip
        return
    if url.get_backend_name() != "sqlite":
        fail(f"No backup method for {url.get_backend_name()} databases.")
    if not target.parent.is_dir():
        fail(f"The folder {target.parent} does not exist.")
    if target.exists():
        confirm(f"{target} exists. Replace it?", yes)
    db.session.remove()  # no transaction of ours holds the database while it is copied
    try:
        with progress(1, "Copying") as bar:
            size = backups.backup_sqlite(url, target, lambda done, total: _show(bar, done, total))
    except (backups.BackupRefused, OSError, sqlite3.Error) as error:
        fail(f"No backup was made: {error}")
    click.echo(f"Backed up to {target} ({size / 1_048_576:,.1f} MiB).")


def _show(bar, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
    bar.length = total
    bar.update(done - bar.pos)
