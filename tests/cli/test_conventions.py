"""Every `flask forum` command follows the same conventions: help text, --json on what lists
or reports, --yes on what destroys, and one-line errors. Also `create-admin`."""

from __future__ import annotations

import click
import pytest

from forum.accounts import services as accounts
from forum.cli import forum_group
from tests.cli.conftest import count, json_of, ok, refused
from tests.factories import UserFactory


def _walk(
    group: click.Group, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found += _walk(command, (*path, name))
    return found


COMMANDS = _walk(forum_group)
LEAVES = [(path, command) for path, command in COMMANDS if not isinstance(command, click.Group)]


def _options(command: click.Command) -> set[str]:
    return {name for param in command.params for name in getattr(param, "opts", [])}


# What lists or reports, and what destroys or replaces (and so asks first).
REPORTS = {
    ("board", "list"), ("board", "policy"), ("board", "reorder"), ("role", "list"),
    ("user", "list"), ("user", "show"), ("user", "reset-password"), ("moderation", "sweep"),
    ("moderation", "stats"), ("moderation", "rescan"), ("moderation", "evaluate"),
    ("log", "verify"), ("log", "show"), ("reidentify", "list"), ("purge",), ("stats",),
    ("check",), ("create-admin",),
}  # fmt: skip
DESTRUCTIVE = {
    ("board", "archive"), ("user", "suspend"), ("user", "reset-password"), ("user", "delete"),
    ("moderation", "rules", "reset"), ("purge",), ("backup",), ("export-user",),
}  # fmt: skip


def test_the_issue_s_commands_all_exist():
    paths = {path for path, _ in COMMANDS}
    wanted = {
        ("create-admin",), ("board", "create"), ("board", "edit"), ("board", "list"),
        ("board", "archive"), ("board", "reorder"), ("board", "policy"), ("role", "grant"),
        ("role", "revoke"), ("role", "list"), ("user", "list"), ("user", "show"),
        ("user", "mute"), ("user", "suspend"), ("user", "unsuspend"), ("user", "reset-password"),
        ("user", "delete"), ("moderation", "sweep"), ("moderation", "stats"),
        ("moderation", "rescan"), ("moderation", "evaluate"), ("moderation", "rules", "export"),
        ("moderation", "rules", "import"), ("log", "verify"), ("log", "show"),
        ("reidentify", "request"), ("reidentify", "approve"), ("purge",), ("export-user",),
        ("stats",), ("check",), ("seed-demo",), ("backup",), ("worker",),
    }  # fmt: skip
    assert wanted <= paths


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_text_and_help_exits_0(runner, path, command):
    assert command.help and command.help.strip()[0].isupper()
    result = runner.invoke(args=["forum", *path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"Usage: forum forum {' '.join(path)}")
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden and not param.is_flag:
            assert param.help or param.type.name == "choice", f"{path} {param.opts}"


@pytest.mark.parametrize("path", sorted(REPORTS), ids=" ".join)
def test_commands_that_list_or_report_take_json(path):
    command = dict(LEAVES)[path]
    assert "--json" in _options(command)


@pytest.mark.parametrize("path", sorted(DESTRUCTIVE), ids=" ".join)
def test_destructive_commands_take_yes(path):
    assert "--yes" in _options(dict(LEAVES)[path])


def test_an_unknown_command_is_a_usage_error(runner):
    result = runner.invoke(args=["forum", "frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output


def test_create_admin_asks_for_the_password_twice(cli):
    password = "lantern orchard pebble drift"

    result = ok(cli("create-admin", "QuietHeron", input=f"{password}\n{password}\n"))

    assert "Admin QuietHeron created. Recovery codes (shown once):" in result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert accounts.authenticate("QuietHeron", password).is_admin


def test_create_admin_refuses_passwords_that_differ(cli):
    result = cli("create-admin", "QuietHeron",
                 input="lantern orchard pebble\nsomething else entirely\n" * 3)  # fmt: skip
    assert result.exit_code != 0
    assert "The two entered values do not match." in result.output
    assert accounts.find_user("QuietHeron") is None


def test_create_admin_reads_stdin_and_prints_json(cli):
    data = json_of(ok(cli("create-admin", "QuietHeron", "--password-stdin", "--json",
                          input="lantern orchard pebble drift\n")))  # fmt: skip
    assert data["pseudonym"] == "QuietHeron"
    assert len(data["recovery_codes"]) == 10


@pytest.mark.parametrize(
    ("pseudonym", "password", "message"),
    [
        ("TakenName", "lantern orchard pebble drift", "That pseudonym is taken."),
        ("admin", "lantern orchard pebble drift", "That name is reserved."),
        ("QuietHeron", "short", "Use at least 10 characters."),
    ],
)
def test_create_admin_refuses_with_one_line(cli, pseudonym, password, message):
    UserFactory(pseudonym="TakenName")
    before = count(accounts.User)
    refused(cli("create-admin", pseudonym, "--password-stdin", input=f"{password}\n"), message)
    assert count(accounts.User) == before
