"""`flask forum ...`: admin commands, one module per group, each a thin wrapper over services.

Every command has --help; exits 0 on success and non-zero with a one-line error on failure;
takes --json where it lists or reports (one JSON document on stdout, nothing else there);
asks before anything destructive unless given --yes; shows progress on stderr for long work.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from forum.cli import (
    admin,
    boards,
    demo,
    moderation,
    ops,
    privacy,
    reidentify,
    roles,
    search,
    serve,
    users,
    worker,
)


@click.group("forum", cls=AppGroup)
@with_appcontext
def forum_group() -> None:
    """Kindred's admin commands (run from the repository root; `flask` finds wsgi.py).

    Every command exits 0 on success and non-zero with a one-line error on failure.
    Commands that list or report take --json (one JSON document on stdout). Destructive
    ones ask first; --yes skips the question. Commands that change roles, restrictions or
    accounts write the action log, crediting the admin named by --as (default "command
    line").
    """


for module in (admin, boards, roles, users, moderation, reidentify, privacy, ops, demo, search,
               serve, worker):  # fmt: skip
    module.register(forum_group)
