"""`flask forum ...`: admin commands, one module per group, each a thin wrapper over services."""

from __future__ import annotations

from flask.cli import AppGroup

from forum.cli import admin, moderation, serve, worker

forum_group = AppGroup("forum", help="Kindred maintenance commands.")
for module in (admin, moderation, serve, worker):
    module.register(forum_group)
