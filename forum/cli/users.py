"""`flask forum user ...`: list and show members, mute, suspend, reset a password, delete.

Nothing here reveals anonymous posts: counts are of posts under the pseudonym only.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from forum.accounts import services as accounts
from forum.cli.common import (
    actor_option,
    confirm,
    emit_json,
    fail,
    json_option,
    member,
    plural,
    resolve_actor,
    table,
    when,
    yes_option,
)
from forum.extensions import db
from forum.moderation import members, sanctions
from forum.moderation.log import append_log
from forum.notifications.services import notify
from forum.privacy.services import erase_member


def register(group: AppGroup) -> None:
    group.add_command(user_group)


@click.group("user", short_help="List, show, mute, suspend, reset, delete members.")
def user_group() -> None:
    """Members: list, show, mute, suspend, reset a password, delete an account."""


@user_group.command("list", short_help="List members.")
@click.option("--role", type=click.Choice(members.ROLES), help="Only members with this role.")
@click.option("--muted", is_flag=True, help="Only members muted now.")
@click.option("--suspended", is_flag=True, help="Only members suspended now.")
@click.option("--limit", default=100, show_default=True, help="At most this many (0: all).")
@json_option
def list_(role: str | None, muted: bool, suspended: bool, limit: int, as_json: bool) -> None:
    """List members by pseudonym, with role, posts under their pseudonym and restrictions."""
    rows = members.list_members(role, muted=muted, suspended=suspended, limit=limit or None)
    if as_json:
        emit_json([row.as_dict() for row in rows])
        return
    if not rows:
        click.echo("No member matches.")
        return
    table(
        ([r.user.pseudonym, r.role, when(r.user.created_at), r.named_posts,
          _restriction(r.user)] for r in rows),
        ["pseudonym", "role", "joined", "named posts", "restricted"],
    )  # fmt: skip


def _restriction(user) -> str:  # type: ignore[no-untyped-def]
    if user.is_suspended():
        return f"suspended until {when(user.suspended_until)}"
    if user.is_muted():
        return f"muted until {when(user.muted_until)}"
    return "-"


@user_group.command("show", short_help="Show one member.")
@click.argument("pseudonym")
@json_option
def show(pseudonym: str, as_json: bool) -> None:
    """Show one member: role, boards, restrictions, sessions and sanctions."""
    data = members.member_overview(member(pseudonym))
    if as_json:
        emit_json(data)
        return
    for key in ("pseudonym", "role", "joined", "named_posts", "facilitates", "muted_until",
                "suspended_until", "password_changed_at", "login_sessions",
                "recovery_codes_left"):  # fmt: skip
        click.echo(f"{key.replace('_', ' '):>20}: {_shown(data[key])}")
    click.echo(f"{'sanctions':>20}: {len(data['sanctions'])}")
    for s in data["sanctions"]:
        state = "active" if s["active"] else "ended"
        appeal = f", appeal {s['appeal']}" if s["appeal"] else ""
        click.echo(f"{'':>22}{s['kind']} on {when(s['created_at'])}, {state}{appeal}")


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "-"
    if isinstance(value, datetime):
        return when(value)
    return "-" if value is None else str(value)


_REASON = click.option("--reason", required=True, help="Why; the member is told.")
_DAYS = click.option("--days", default=7, show_default=True, help="How long it lasts.")


def _sanction(pseudonym: str, kind: str, reason: str, days: int, actor_name: str | None) -> None:
    user, actor = member(pseudonym), resolve_actor(actor_name)
    try:
        made = sanctions.sanction_account(actor, user, kind, reason, days)
    except sanctions.SanctionRefused as error:
        fail(str(error))
    db.session.commit()
    verb = {"mute": "muted", "suspension": "suspended"}[kind]
    click.echo(f"{user.pseudonym} is {verb} until {when(made.expires_at)} UTC. They were told why.")


@user_group.command("mute")
@click.argument("pseudonym")
@_REASON
@_DAYS
@actor_option
def mute(pseudonym: str, reason: str, days: int, actor_name: str | None) -> None:
    """Mute a member: they can read but not post for DAYS days."""
    _sanction(pseudonym, "mute", reason, days, actor_name)


@user_group.command("suspend", short_help="Suspend a member and log them out.")
@click.argument("pseudonym")
@_REASON
@_DAYS
@actor_option
@yes_option
def suspend(pseudonym: str, reason: str, days: int, actor_name: str | None, yes: bool) -> None:
    """Suspend a member for DAYS days: they are logged out everywhere and can only appeal."""
    confirm(
        f"Suspend {member(pseudonym).pseudonym} for {plural(days, 'day')} and log them out?", yes
    )
    _sanction(pseudonym, "suspension", reason, days, actor_name)


def _lift(pseudonym: str, kind: str, reason: str, actor_name: str | None) -> None:
    user, actor = member(pseudonym), resolve_actor(actor_name)
    try:
        sanctions.lift_restriction(actor, user, kind, reason)
    except sanctions.SanctionRefused as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"{user.pseudonym}'s {kind} is lifted. They were told.")


_LIFT_REASON = click.option("--reason", default="", help="A note the member sees.")


@user_group.command("unmute")
@click.argument("pseudonym")
@_LIFT_REASON
@actor_option
def unmute(pseudonym: str, reason: str, actor_name: str | None) -> None:
    """Lift a member's mute now."""
    _lift(pseudonym, "mute", reason, actor_name)


@user_group.command("unsuspend")
@click.argument("pseudonym")
@_LIFT_REASON
@actor_option
def unsuspend(pseudonym: str, reason: str, actor_name: str | None) -> None:
    """Lift a member's suspension now."""
    _lift(pseudonym, "suspension", reason, actor_name)


@user_group.command("reset-password", short_help="New password and recovery codes.")
@click.argument("pseudonym")
@actor_option
@yes_option
@json_option
def reset_password(pseudonym: str, actor_name: str | None, yes: bool, as_json: bool) -> None:
    """Give a member a new password and recovery codes (printed once); log them out."""
    user, actor = member(pseudonym), resolve_actor(actor_name)
    confirm(f"Replace {user.pseudonym}'s password and recovery codes, and log them out?", yes)
    password, codes = accounts.reset_password_by_admin(user)
    notify(user.id, "password_reset", "An admin gave you a new password and new recovery "
           "codes, and logged you out everywhere. If you did not ask for this, tell an admin.",
           "/settings")  # fmt: skip
    append_log("password_reset", actor=actor, subject_user_id=user.id)
    db.session.commit()
    if as_json:
        emit_json({"pseudonym": user.pseudonym, "password": password, "recovery_codes": codes})
        return
    click.echo(f"New password for {user.pseudonym} (shown once): {password}")
    click.echo("New recovery codes (shown once; the old ones no longer work):")
    for code in codes:
        click.echo(f"  {code}")


@user_group.command("delete", short_help="Delete a member's account.")
@click.argument("pseudonym")
@click.option("--keep-posts/--delete-posts", default=True, show_default=True,
              help="Keep their posts as by 'a former member', or delete them.")  # fmt: skip
@actor_option
@yes_option
def delete(pseudonym: str, keep_posts: bool, actor_name: str | None, yes: bool) -> None:
    """Delete a member's account at once, as they could from their settings page."""
    user, actor = member(pseudonym), resolve_actor(actor_name)
    if user.is_admin and len(accounts.list_admins()) == 1:
        fail(f"{user.pseudonym} is the only admin; grant the role to another first.")
    posts = "keeping their posts as by a former member" if keep_posts else "deleting their posts"
    confirm(f"Delete the account {user.pseudonym}, {posts}? This cannot be undone.", yes)
    name = user.pseudonym
    erase_member(user, keep_posts=keep_posts)
    append_log(
        "account_delete", actor=actor, details={"posts": "kept" if keep_posts else "deleted"}
    )
    db.session.commit()
    click.echo(f"The account {name} is deleted, {posts}.")
