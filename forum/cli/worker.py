"""`flask forum worker`: run the background job worker."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup


def register(group: AppGroup) -> None:
    group.add_command(worker)


@click.command("worker", short_help="Run a background job worker.")
@click.option("--burst", is_flag=True, help="Process the jobs already queued, then exit.")
def worker(burst: bool) -> None:
    """Run an rq worker (with the rq scheduler) and the screening sweeper beside it."""
    from forum.worker import run_worker, start_sweeper

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _log_to_stderr()
    if not burst:
        start_sweeper(app)
    run_worker(app, burst=burst)


def _log_to_stderr() -> None:
    """Show the sweeper's and the restart loop's messages beside rq's own."""
    logger = logging.getLogger("forum")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
