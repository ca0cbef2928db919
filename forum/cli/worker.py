"""`flask forum worker`: run the background job worker."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup


def register(group: AppGroup) -> None:
    group.add_command(worker)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Process the jobs already queued, then exit.")
def worker(burst: bool) -> None:
    """Run an rq worker (with the rq scheduler) and the screening sweeper beside it."""
    from forum.worker import make_worker, start_sweeper

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not burst:
        start_sweeper(app)
    make_worker(app).work(burst=burst, with_scheduler=not burst, logging_level="INFO")
