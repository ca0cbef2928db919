"""`flask forum purge` and `export-user`: retention and data rights, over the privacy services."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from forum.cli.common import confirm, emit_json, fail, json_option, member, plural, yes_option
from forum.extensions import db
from forum.ops.files import write_private
from forum.privacy import retention
from forum.privacy.export import export_member_data_for_admin


def register(group: AppGroup) -> None:
    group.add_command(purge)
    group.add_command(export_user)


@click.command("purge", short_help="Blank old withdrawn or hidden posts.")
@click.option(
    "--days",
    metavar="N",
    help="Purge what was withdrawn or hidden more than N days ago "
    "(default: FORUM_RETENTION_DAYS, 30 unless configured).",
)
@yes_option
@json_option
def purge(days: str | None, yes: bool, as_json: bool) -> None:
    """Permanently blank the text of posts withdrawn or hidden more than N days ago.

    The posts stay (so threads keep their numbering), with no text in them, their
    revisions or the moderation copies of them. Nothing else is touched.
    """
    try:
        cutoff = retention.retention_cutoff(
            current_app.config["FORUM_RETENTION_DAYS"] if days is None else days
        )
    except retention.RetentionInvalid as error:
        fail(str(error))
    count = retention.count_purgeable(cutoff)
    when = f"{cutoff:%Y-%m-%d %H:%M} UTC"
    if count:  # nothing to lose, nothing to confirm
        confirm(
            f"Permanently purge the text of {_count(count, 'post')} withdrawn or hidden "
            f"before {when}?",
            yes,
        )
    report = retention.purge_expired_content(cutoff)
    db.session.commit()
    if as_json:
        emit_json(asdict(report))
        return
    click.echo(
        f"Purged the text of {_count(report.posts, 'post')} withdrawn or hidden before {when} "
        f"({_count(report.revisions, 'revision')}, "
        f"{_count(report.review_items, 'review-item snapshot')}, "
        f"{_count(report.flags, 'flag reason')})."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@click.command("export-user", short_help="Export a member's data (nothing anonymous).")
@click.argument("pseudonym")
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
@yes_option
def export_user(pseudonym: str, target: str, yes: bool) -> None:
    """Write what Kindred holds about a member as JSON to FILE ("-": stdout), for them.

    Anonymous posts, and anything that could tie them to the account, are left out: the
    member downloads those themselves from their settings page.
    """
    data = export_member_data_for_admin(member(pseudonym))
    body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if target == "-":
        click.echo(body, nl=False)
        return
    path = Path(target)
    if path.exists():
        confirm(f"{target} exists. Replace it?", yes)
    try:
        write_private(path, body.encode())
    except OSError as error:
        fail(f"Could not write {target}: {error.strerror or error}.")
    click.echo(
        f"Wrote {plural(len(data['posts']), 'named post')} and the account's data to {target}."
    )
