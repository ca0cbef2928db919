"""`flask forum role grant|revoke|list`: admins site-wide, facilitators per board."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from forum.accounts import services as accounts
from forum.boards import services as boards
from forum.cli.common import (
    actor_option,
    board,
    emit_json,
    fail,
    json_option,
    member,
    resolve_actor,
    table,
)
from forum.extensions import db
from forum.moderation.log import append_log

ROLES = ("facilitator", "admin")


def register(group: AppGroup) -> None:
    group.add_command(role_group)


@click.group("role", short_help="Grant, revoke and list admin and facilitator roles.")
def role_group() -> None:
    """Who may do what: admin (site-wide) and facilitator (per board)."""


def _board_for(role: str, slug: str | None):  # type: ignore[no-untyped-def]
    if role == "facilitator" and slug is None:
        fail("A facilitator role needs --board SLUG.")
    if role == "admin" and slug is not None:
        fail("The admin role is site-wide; leave out --board.")
    return board(slug) if slug else None


def _settle(  # type: ignore[no-untyped-def]
    action: str, changed: bool, user, role: str, slug: str | None, where, actor, *,
    unchanged: str, done: str,
) -> None:  # fmt: skip
    """Log and commit a role change, or say there was nothing to do."""
    on = f" on {where.slug!r}" if where else ""
    if not changed:
        click.echo(f"{user.pseudonym} {unchanged} the {role} role{on}; nothing to do.")
        return
    append_log(action, actor=actor, subject_user_id=user.id,
               details={"role": role, "board": slug})  # fmt: skip
    db.session.commit()
    click.echo(f"{user.pseudonym} {done} {role}{on}.")


_ROLE = click.argument("role", type=click.Choice(ROLES))
_BOARD = click.option("--board", "slug", metavar="SLUG", help="The board (facilitator role).")


@role_group.command("grant")
@click.argument("pseudonym")
@_ROLE
@_BOARD
@actor_option
def grant(pseudonym: str, role: str, slug: str | None, actor_name: str | None) -> None:
    """Give PSEUDONYM the admin role, or the facilitator role on a board."""
    user, where, actor = member(pseudonym), _board_for(role, slug), resolve_actor(actor_name)
    if where is None:
        changed = accounts.set_admin(user, True)
    else:
        changed = boards.grant_facilitator(user, where)
    _settle("role_grant", changed, user, role, slug, where, actor,
            unchanged="already has", done="is now")  # fmt: skip


@role_group.command("revoke", short_help="Take a role from a member.")
@click.argument("pseudonym")
@_ROLE
@_BOARD
@actor_option
def revoke(pseudonym: str, role: str, slug: str | None, actor_name: str | None) -> None:
    """Take the admin role, or the facilitator role on a board, from PSEUDONYM."""
    user, where, actor = member(pseudonym), _board_for(role, slug), resolve_actor(actor_name)
    if where is None:
        try:
            changed = accounts.set_admin(user, False)
        except accounts.LastAdmin as error:
            fail(str(error))
    else:
        changed = boards.revoke_facilitator(user, where)
    _settle("role_revoke", changed, user, role, slug, where, actor,
            unchanged="does not have", done="is no longer")  # fmt: skip


@role_group.command("list")
@click.option("--board", "slug", metavar="SLUG", help="Only this board's facilitators.")
@json_option
def list_(slug: str | None, as_json: bool) -> None:
    """List admins and each board's facilitators."""
    where = board(slug) if slug else None
    admins = [] if where else [u.pseudonym for u in accounts.list_admins()]
    pairs = [(b.slug, u.pseudonym) for b, u in boards.facilitator_roles(where)]
    if as_json:
        emit_json({"admins": admins,
                   "facilitators": [{"board": b, "pseudonym": p} for b, p in pairs]})  # fmt: skip
        return
    rows = [("admin", "-", name) for name in admins] + [("facilitator", b, p) for b, p in pairs]
    if not rows:
        click.echo("Nobody holds a role.")
        return
    table(rows, ["role", "board", "pseudonym"])
