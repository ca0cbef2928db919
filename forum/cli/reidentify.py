"""`flask forum reidentify request|approve`: break-glass re-identification, two admins."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from forum.accounts import services as accounts
from forum.cli.common import emit_json, fail, json_option, when
from forum.extensions import db
from forum.moderation import reidentify as service


def register(group: AppGroup) -> None:
    group.add_command(reidentify)


def _admin(pseudonym: str, password_stdin: bool):  # type: ignore[no-untyped-def]
    """The admin running this step, proven by their password (the CLI has no login)."""
    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else click.prompt(f"Password for {pseudonym}", hide_input=True, err=True)
    )
    try:
        user = accounts.authenticate(pseudonym, password)
    except accounts.LoginFailed:
        fail("The pseudonym or password is wrong.")
    if not user.is_admin:
        fail(f"{user.pseudonym} is not an admin.")
    return user


_ADMIN = click.option("--admin", "admin_name", required=True, help="Your admin pseudonym.")
_STDIN = click.option("--password-stdin", is_flag=True, help="Read your password from stdin.")


@click.group("reidentify", short_help="Break-glass: who wrote an anonymous post.")
def reidentify() -> None:
    """Learn who wrote an anonymous post: one admin requests, a second approves."""


@reidentify.command("request", short_help="Ask to re-identify a post's author.")
@click.argument("post_id", type=int)
@click.option("--reason", required=True, help="Why this is necessary (the member will see it).")
@_ADMIN
@_STDIN
def request(post_id: int, reason: str, admin_name: str, password_stdin: bool) -> None:
    """Request re-identification of POST_ID's author, with a written reason."""
    admin = _admin(admin_name, password_stdin)
    try:
        made = service.request_reidentification(admin, post_id, reason)
    except service.ReidentifyRefused as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Request {made.id} recorded. A second admin must approve it.")


@reidentify.command("approve", short_help="Approve a request (a second admin).")
@click.argument("request_id", type=int)
@_ADMIN
@_STDIN
def approve(request_id: int, admin_name: str, password_stdin: bool) -> None:
    """Approve REQUEST_ID as a second admin and print the author's pseudonym once."""
    admin = _admin(admin_name, password_stdin)
    try:
        _, author = service.approve_reidentification(admin, request_id)
    except service.ReidentifyRefused as error:
        fail(str(error))
    db.session.commit()
    who = author.pseudonym if author else "a member who has since deleted their account"
    click.echo(f"Approved. The author is: {who}. This was logged, and the member is told.")


@reidentify.command("list", short_help="Requests waiting for a second admin.")
@json_option
def list_(as_json: bool) -> None:
    """List the requests waiting for a second admin: id, post, who asked, why."""
    rows = [
        {"id": r.id, "post_id": r.post_id, "requested_by": name or "a former admin",
         "requested_at": r.created_at, "reason": r.reason}
        for r, name in service.pending_requests()
    ]  # fmt: skip
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No request is waiting.")
    for row in rows:
        click.echo(f"Request {row['id']}: post {row['post_id']}, asked by {row['requested_by']} "
                   f"on {when(row['requested_at'])}: {row['reason']}")  # fmt: skip
