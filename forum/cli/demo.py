"""`flask forum seed-demo [--size small|large]`: demo content, a thin wrapper over forum.demo."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from forum.boards.services import seed_demo_boards
from forum.cli.common import fail, plural, progress
from forum.demo import large, small
from forum.extensions import db
from forum.search import maintenance


def register(group: AppGroup) -> None:
    group.add_command(seed_demo)


@click.command("seed-demo", short_help="Add demo content (small or large).")
@click.option(
    "--size",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: a dozen members and a few threads to try Kindred; large: 20 boards, "
    "20,000 members, 100,000 threads and 1,000,000 posts for benchmarks.",
)
@click.option("--posts", type=click.IntRange(10, 100_000_000), default=large.FULL_POSTS,
              hidden=True, help="Large demo only: how many posts (the rest scales).")  # fmt: skip
def seed_demo(size: str, posts: int) -> None:
    """Add demo content: boards, members, threads, replies, anonymous and flagged posts.

    Safe to run again: what exists already is left alone. Every demo member shares one
    password, printed once (small) or kept secret (large).
    """
    created = seed_demo_boards()
    db.session.commit()
    click.echo(f"Created {created} boards." if created else "Boards already exist.")
    if size == "small":
        _small()
    else:
        _large(large.Plan(posts=posts))


def _small() -> None:
    try:
        report = small.seed_small()
    except small.DemoRefused as error:
        fail(str(error))
    if report is None:
        click.echo("The demo content already exists; nothing to do.")
        return
    db.session.commit()
    small.screen_flagged(report.flagged_revisions)
    db.session.commit()
    click.echo(f"Added {plural(report.members, 'member')}, {plural(report.threads, 'thread')}, "
               f"{plural(report.replies, 'reply', 'replies')} ({report.anonymous} anonymous), "
               f"{plural(len(report.flagged_revisions), 'post')} flagged by screening "
               "and one reported.")  # fmt: skip
    click.echo(f"Demo members (e.g. QuietHeron) log in with the password: {report.password}")


def _large(plan: large.Plan) -> None:
    if large.large_demo_exists():
        click.echo("The large demo content already exists; nothing to do.")
        return
    started = time.monotonic()
    boards = large.ensure_boards()
    db.session.commit()
    with progress(plan.posts, "Writing posts") as bar:
        for written in large.seed_large(plan, boards):
            db.session.commit()
            bar.update(written)
    maintenance.optimize_index()  # merge the search index's bulk-load segments
    db.session.commit()
    seconds = time.monotonic() - started
    click.echo(f"Added {plan.members:,} members, {plan.threads:,} threads and {plan.posts:,} "
               f"posts on {len(boards)} boards in {seconds:,.0f} s.")  # fmt: skip
