"""`flask forum search check|optimize|rebuild`: looking after the full-text search index."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.cli.common import emit_json, fail, json_option
from forum.extensions import db
from forum.search import maintenance


def register(group: AppGroup) -> None:
    group.add_command(search_group)


@click.group("search")
def search_group() -> None:
    """Check, compact or rebuild the full-text search index."""


@search_group.command("check")
@json_option
def check(as_json: bool) -> None:
    """Check that the index exists, is kept in sync and matches the posts. Exits 1 if not."""
    problems = maintenance.index_problems()
    db.session.rollback()
    if as_json:
        emit_json({"ok": not problems, "problems": problems})
        if problems:
            raise SystemExit(1)
        return
    if problems:
        fail("; ".join(problems) + ". Run `flask forum search rebuild`.")
    click.echo("The search index is in place and in sync.")


@search_group.command("optimize")
def optimize() -> None:
    """Merge the index into its compact form (after a bulk load, or nightly from cron)."""
    maintenance.optimize_index()
    db.session.commit()
    click.echo("The search index is optimized.")


@search_group.command("rebuild")
def rebuild() -> None:
    """Recreate what is missing from the index and reindex every title and post."""
    maintenance.rebuild_index()
    db.session.commit()
    problems = maintenance.index_problems()
    if problems:
        fail("; ".join(problems))
    click.echo("The search index is rebuilt.")
