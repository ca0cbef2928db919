"""`flask forum purge`: content retention, a thin wrapper over the privacy services."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from forum.extensions import db
from forum.privacy import retention


def register(group: AppGroup) -> None:
    group.add_command(purge)


@click.command("purge")
@click.option(
    "--days",
    metavar="N",
    help="Purge what was withdrawn or hidden more than N days ago "
    "(default: FORUM_RETENTION_DAYS, 30 unless configured).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def purge(days: str | None, yes: bool) -> None:
    """Permanently blank the text of posts withdrawn or hidden more than N days ago.

    The posts stay (so threads keep their numbering), with no text in them, their
    revisions or the moderation copies of them. Nothing else is touched.
    """
    try:
        cutoff = retention.retention_cutoff(
            current_app.config["FORUM_RETENTION_DAYS"] if days is None else days
        )
    except retention.RetentionInvalid as error:
        raise click.ClickException(str(error)) from None
    count = retention.count_purgeable(cutoff)
    when = f"{cutoff:%Y-%m-%d %H:%M} UTC"
    if count and not yes:  # nothing to lose, nothing to confirm
        click.confirm(
            f"Permanently purge the text of {_count(count, 'post')} withdrawn or hidden "
            f"before {when}?",
            abort=True,
        )
    report = retention.purge_expired_content(cutoff)
    db.session.commit()
    click.echo(
        f"Purged the text of {_count(report.posts, 'post')} withdrawn or hidden before {when} "
        f"({_count(report.revisions, 'revision')}, "
        f"{_count(report.review_items, 'review-item snapshot')}, "
        f"{_count(report.flags, 'flag reason')})."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
