"""`flask forum serve`: migrate, seed, and run gunicorn and a worker together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from forum.boards.services import seed_demo_boards
from forum.config import REPO_ROOT
from forum.extensions import db


def register(group: AppGroup) -> None:
    group.add_command(serve)


@click.command("serve", short_help="Run the whole forum (what `make run` runs).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, help="The port to listen on.")
@click.option("--web-workers", default=2, show_default=True, help="gunicorn processes.")
def serve(host: str, port: int, web_workers: int) -> None:
    """Run the whole forum: migrations, demo boards, gunicorn and an rq worker.

    Uses the embedded Redis when REDIS_URL is unset. Ctrl-C stops everything it started.
    """
    from flask_migrate import upgrade

    upgrade(directory=str(REPO_ROOT / "migrations"))
    if seed_demo_boards():
        click.echo("Created the demo boards.")
    db.session.commit()

    env = dict(os.environ, REDIS_URL=current_app.config["REDIS_URL"], FLASK_APP="wsgi")
    env.pop("FLASK_DEBUG", None)
    web = [sys.executable, "-m", "gunicorn", "-c", "python:forum.gunicorn_config",
           "--bind", f"{host}:{port}", "--workers", str(web_workers), "wsgi:app"]  # fmt: skip
    worker = [sys.executable, "-m", "flask", "forum", "worker"]
    children = [subprocess.Popen(cmd, env=env, cwd=REPO_ROOT) for cmd in (web, worker)]  # noqa: S603
    click.echo(f"Kindred is running on http://{host}:{port}/ (Ctrl-C to stop).")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children)
    from forum.embedded_redis import stop_embedded_redis

    stop_embedded_redis()


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()  # its Redis connections must be gone before the embedded Redis stops
