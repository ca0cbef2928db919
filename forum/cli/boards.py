"""`flask forum board ...`: create, edit, list, archive, reorder boards and set their policy."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from forum.boards import services as boards
from forum.boards.models import Board
from forum.cli.common import (
    actor_option,
    board,
    confirm,
    emit_json,
    fail,
    json_option,
    resolve_actor,
    table,
    when,
    yes_option,
)
from forum.extensions import db
from forum.moderation.log import append_log
from forum.security.text import TextRefused


def register(group: AppGroup) -> None:
    group.add_command(board_group)


def _as_dict(item: Board) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "name": item.name,
        "description": item.description,
        "position": item.position,
        "archived_at": item.archived_at,
        "threads": item.thread_count,
        "posts": item.post_count,
        "last_post_at": item.last_post_at,
        "moderation": item.moderation_mode,
        "new_member_posts": item.new_member_posts,
        "anonymous": item.anonymous_policy,
    }


_GUIDELINES = click.option(
    "--guidelines", type=click.File("r"), help='A Markdown file of board guidelines ("-": stdin).'
)


@click.group("board", short_help="Create, edit, list, archive, reorder boards.")
def board_group() -> None:
    """Boards: create, edit, list, archive, reorder, and set their moderation policy."""


@board_group.command("create", short_help="Create a board.")
@click.argument("slug")
@click.option("--name", required=True, help="The name shown to members.")
@click.option("--description", default="", help="One line under the name.")
@_GUIDELINES
@click.option("--position", type=int, help="Where it goes in the list (default: last).")
def create(slug: str, name: str, description: str, guidelines: Any, position: int | None) -> None:
    """Create a board with the slug SLUG (lowercase letters, digits and hyphens)."""
    try:
        made = boards.create_board(slug, name, description,
                                   guidelines.read() if guidelines else "", position)  # fmt: skip
    except (boards.BoardInvalid, TextRefused) as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Board {made.slug!r} created at position {made.position}.")


@board_group.command("edit")
@click.argument("slug")
@click.option("--name", help="A new name.")
@click.option("--description", help="A new description.")
@_GUIDELINES
def edit(slug: str, name: str | None, description: str | None, guidelines: Any) -> None:
    """Change a board's name, description or guidelines."""
    if name is None and description is None and guidelines is None:
        fail("Give --name, --description or --guidelines.")
    found = board(slug)
    try:
        boards.edit_board(found, name=name, description=description,
                          guidelines=guidelines.read() if guidelines else None)  # fmt: skip
    except (boards.BoardInvalid, TextRefused) as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Board {slug!r} updated.")


@board_group.command("list")
@click.option("--all", "include_archived", is_flag=True, help="Include archived boards.")
@json_option
def list_(include_archived: bool, as_json: bool) -> None:
    """List boards in display order, with their counters and policies."""
    found = boards.all_boards() if include_archived else boards.list_boards()
    if as_json:
        emit_json([_as_dict(item) for item in found])
        return
    table(
        ([b.position, b.slug, b.name, b.thread_count, b.post_count, b.moderation_mode,
          b.anonymous_policy, when(b.archived_at)] for b in found),
        ["#", "slug", "name", "threads", "posts", "moderation", "anonymous", "archived"],
    )  # fmt: skip


@board_group.command("archive", short_help="Archive a board (no new threads).")
@click.argument("slug")
@actor_option
@yes_option
def archive(slug: str, actor_name: str | None, yes: bool) -> None:
    """Archive a board: it leaves the home page and takes no new threads (threads stay)."""
    found, actor = board(slug), resolve_actor(actor_name)
    if found.archived_at is not None:
        fail(f"Board {slug!r} is archived already.")
    confirm(f"Archive {found.name!r}? Members will not be able to start threads there.", yes)
    boards.archive_board(found)
    append_log("board_archive", actor=actor, details={"board": slug})
    db.session.commit()
    click.echo(f"Board {slug!r} archived.")


@board_group.command("unarchive")
@click.argument("slug")
@actor_option
def unarchive(slug: str, actor_name: str | None) -> None:
    """Bring an archived board back to the home page."""
    found, actor = board(slug), resolve_actor(actor_name)
    if not boards.unarchive_board(found):
        fail(f"Board {slug!r} is not archived.")
    append_log("board_unarchive", actor=actor, details={"board": slug})
    db.session.commit()
    click.echo(f"Board {slug!r} is back.")


@board_group.command("reorder", short_help="Put some boards first, in order.")
@click.argument("slugs", nargs=-1, required=True)
@json_option
def reorder(slugs: tuple[str, ...], as_json: bool) -> None:
    """Put the boards SLUGS first, in that order; the others keep their order after them."""
    try:
        ordered = boards.reorder_boards(list(slugs))
    except boards.BoardInvalid as error:
        fail(str(error))
    db.session.commit()
    if as_json:
        emit_json([item.slug for item in ordered])
    else:
        click.echo("Board order: " + ", ".join(item.slug for item in ordered))


@board_group.command("policy")
@click.argument("slug")
@click.option("--moderation", type=click.Choice(boards.MODERATION_MODES),
              help="post: screen after publishing; new-members: hold new members' first "
                   "posts; all: hold every post.")  # fmt: skip
@click.option("--new-member-posts", type=int, metavar="N",
              help="With new-members: how many first posts are held (default 3).")  # fmt: skip
@click.option("--anonymous", type=click.Choice(boards.ANONYMOUS_POLICIES),
              help="allowed: members choose; forced: every post anonymous; off: none.")  # fmt: skip
@actor_option
@json_option
def policy(slug: str, moderation: str | None, new_member_posts: int | None,
           anonymous: str | None, actor_name: str | None, as_json: bool) -> None:  # fmt: skip
    """Show or set a board's moderation and anonymous-posting policy."""
    found, actor = board(slug), resolve_actor(actor_name)
    changes = {"moderation": moderation, "anonymous": anonymous,
               "new_member_posts": new_member_posts}  # fmt: skip
    changes = {key: value for key, value in changes.items() if value is not None}
    if changes:
        try:
            boards.set_board_policy(found, **changes)
        except boards.BoardInvalid as error:
            fail(str(error))
        append_log("board_policy", actor=actor, details={"board": slug, **changes})
        db.session.commit()
    shown = {
        "slug": found.slug,
        "moderation": found.moderation_mode,
        "new_member_posts": found.new_member_posts,
        "anonymous": found.anonymous_policy,
    }
    if as_json:
        emit_json(shown)
        return
    held = f" (first {found.new_member_posts})" if found.moderation_mode == "new-members" else ""
    verb = "now" if changes else "is"
    click.echo(f"Board {slug!r} {verb}: moderation {found.moderation_mode}{held}, "
               f"anonymous posting {found.anonymous_policy}.")  # fmt: skip
