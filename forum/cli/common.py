"""What every `flask forum` command shares: --json, --yes, --as, dates, errors, progress.

Conventions: exit code 0 on success; on failure one line on stderr ("Error: ...") and a
non-zero exit. `--json` prints one JSON document on stdout and nothing else there (progress
bars and prompts go to stderr). Destructive commands ask first unless given `--yes`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn, TypeVar

import click

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import get_board
from forum.db import utcnow

F = TypeVar("F", bound=Callable[..., Any])

json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document on stdout instead of text."
)
yes_option = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
actor_option = click.option(
    "--as",
    "actor_name",
    metavar="ADMIN",
    help='The admin to credit in the action log (default: "command line").',
)


def fail(message: str) -> NoReturn:
    """Stop with one line on stderr and exit code 1."""
    raise click.ClickException(message)


def confirm(message: str, yes: bool) -> None:
    """Ask before something destructive (skipped with --yes); "n" aborts with exit code 1."""
    if not yes:
        click.confirm(message, abort=True, err=True)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "as_dict"):
        return value.as_dict()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Print one JSON document on stdout."""
    click.echo(json.dumps(data, indent=2, default=_default, ensure_ascii=False))


def when(moment: datetime | None) -> str:
    """A time for text output, in UTC to the minute; "-" for none."""
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def table(rows: Iterable[Iterable[Any]], headers: Iterable[str]) -> None:
    """Print rows as aligned columns under a header line."""
    lines = [[str(cell) for cell in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    for line in lines:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


@dataclass(frozen=True)
class CommandLine:
    """The actor of a command run without --as: logged as "command line", linked to nobody."""

    id: None = None
    pseudonym: str = "command line"


def resolve_actor(name: str | None) -> User | CommandLine:
    """The admin named by --as (who must be an admin), or the command line itself."""
    if name is None:
        return CommandLine()
    user = accounts.find_user(name)
    if user is None or not user.is_admin:
        fail(f"--as must name an admin; {name!r} is not one.")
    return user


def member(pseudonym: str) -> User:
    """The member with this pseudonym, or exit with an error."""
    user = accounts.find_user(pseudonym)
    if user is None:
        fail(f"No member is called {pseudonym!r}.")
    return user


def board(slug: str) -> Board:
    """The board with this slug (archived or not), or exit with an error."""
    found = get_board(slug)
    if found is None:
        fail(f"No board has the slug {slug!r}.")
    return found


_RELATIVE = re.compile(r"(\d+)([dhm])")


class Since(click.ParamType):
    """A moment: YYYY-MM-DD, an ISO date and time (UTC unless it says), or 7d / 12h / 30m ago."""

    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        relative = _RELATIVE.fullmatch(text)
        if relative:
            unit = {"d": "days", "h": "hours", "m": "minutes"}[relative.group(2)]
            return utcnow() - timedelta(**{unit: int(relative.group(1))})
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{text!r} is not a date such as 2026-11-24, 2026-11-24T08:00 or 7d", param, ctx
            )
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


SINCE = Since()


@contextmanager
def progress(length: int, label: str) -> Iterator[Any]:
    """A progress bar on stderr (so --json output stays clean)."""
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 post", "2 posts"."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
