"""`flask forum ...`: admin commands, one module per group, each a thin wrapper over services."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from forum.cli import admin, moderation, privacy, reidentify, serve, worker


@click.group("forum", cls=AppGroup)
@with_appcontext
def forum_group() -> None:
    """Kindred maintenance commands."""


for module in (admin, moderation, privacy, reidentify, serve, worker):
    module.register(forum_group)
