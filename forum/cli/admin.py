"""`flask forum create-admin` and `page`: the first admin, and the site pages' text."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from forum.accounts import services as accounts
from forum.cli.common import emit_json, fail, json_option
from forum.extensions import db
from forum.pages import services as pages
from forum.security.text import TextRefused


def register(group: AppGroup) -> None:
    group.add_command(create_admin)
    group.add_command(page)


@click.command("create-admin", short_help="Create an admin account.")
@click.argument("pseudonym")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@json_option
def create_admin(pseudonym: str, password_stdin: bool, as_json: bool) -> None:
    """Create an admin account and print its recovery codes (the password is asked twice).

    To make an existing member an admin: `flask forum role grant PSEUDONYM admin`.
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    try:
        user = accounts.create_account(pseudonym, password, is_admin=True)
    except (accounts.PseudonymInvalid, accounts.PseudonymTaken, accounts.PasswordRejected) as e:
        fail(str(e))
    codes = accounts.issue_recovery_codes(user)
    db.session.commit()
    if as_json:
        emit_json({"pseudonym": user.pseudonym, "recovery_codes": codes})
        return
    click.echo(f"Admin {user.pseudonym} created. Recovery codes (shown once):")
    for code in codes:
        click.echo(f"  {code}")


@click.group("page", short_help="Replace a site page's text.")
def page() -> None:
    """Replace the text of the guidelines, privacy or crisis-resources page."""


@page.command("set")
@click.argument("slug", type=click.Choice(sorted(pages.PAGES)))
@click.argument("source", type=click.File("r"))
@click.option("--title", help="A new page title.")
def page_set(slug: str, source, title: str | None) -> None:  # type: ignore[no-untyped-def]
    """Set a page's Markdown from a file ("-" for standard input)."""
    try:
        pages.set_page(slug, source.read(), title)
    except TextRefused as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Page {slug!r} updated.")


@page.command("reset")
@click.argument("slug", type=click.Choice(sorted(pages.PAGES)))
def page_reset(slug: str) -> None:
    """Go back to the shipped default text of a page."""
    pages.reset_page(slug)
    db.session.commit()
    click.echo(f"Page {slug!r} reset to the default text.")
