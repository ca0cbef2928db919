"""`flask forum backup FILE`: an online copy of SQLite; the pg_dump line for PostgreSQL.

Both paths are exercised whatever database the suite runs on: a SQLite app of this
module's own, migrated once, and a PostgreSQL app that is never connected to.
"""

from __future__ import annotations

import shlex
import sqlite3
import stat
import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from forum import create_app
from forum.config import REPO_ROOT
from forum.extensions import db
from forum.ops.backup import pg_dump_command
from tests.factories import BoardFactory, UserFactory, make_thread


@pytest.fixture(scope="module")
def sqlite_app(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A SQLite Kindred with a few rows, beside the suite's own database."""
    tmp = tmp_path_factory.mktemp("backup")
    other = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp / "instance"),
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.db'}",
                        "SECRET_KEY": "b" * 40, "REDIS_URL": app.config["REDIS_URL"]})  # fmt: skip
    with other.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(REPO_ROOT / "migrations"))
        board = BoardFactory(slug="anxiety")
        make_thread(board, UserFactory(pseudonym="FernLantern"), "Kept safe", "In the copy.")
        db.session.remove()
    yield other
    with other.app_context():
        db.engine.dispose()


def rows(path, table: str) -> int:  # type: ignore[no-untyped-def]
    with sqlite3.connect(path) as copy:
        return copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608


def test_backup_copies_the_database_to_a_private_file(sqlite_app, tmp_path):
    target = tmp_path / "copy.db"

    result = sqlite_app.test_cli_runner().invoke(args=["forum", "backup", str(target)])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Backed up to {target} (")
    assert "Copying" in result.stderr  # the progress bar, on stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT title FROM thread").fetchall() == [("Kept safe",)]
    assert not list(tmp_path.glob(".copy.db.*"))  # no temporary file left behind


def test_backup_asks_before_replacing_a_file_and_no_keeps_it(sqlite_app, tmp_path):
    target = tmp_path / "copy.db"
    target.write_bytes(b"yesterday's backup")
    runner = sqlite_app.test_cli_runner()

    result = runner.invoke(args=["forum", "backup", str(target)], input="n\n")

    assert result.exit_code == 1
    assert f"{target} exists. Replace it?" in result.output
    assert target.read_bytes() == b"yesterday's backup"
    result = runner.invoke(args=["forum", "backup", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert rows(target, "user") == 1


def test_backup_is_consistent_while_kindred_keeps_writing(sqlite_app, tmp_path):
    live = sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    stop = threading.Event()

    def write() -> None:
        with sqlite3.connect(live, timeout=15) as conn:
            n = 0
            while not stop.is_set():
                conn.execute("INSERT INTO site_setting (key, value, updated_at) VALUES "
                             "(?, 'x', '2026-01-01 00:00:00')", (f"k{n}",))  # fmt: skip
                conn.commit()
                n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = sqlite_app.test_cli_runner().invoke(
            args=["forum", "backup", str(tmp_path / "busy.db")]
        )
    finally:
        stop.set()
        writer.join()

    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "busy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert rows(tmp_path / "busy.db", "thread") == 1


def test_backup_refuses_a_missing_folder_with_one_line(sqlite_app, tmp_path):
    result = sqlite_app.test_cli_runner().invoke(
        args=["forum", "backup", str(tmp_path / "nowhere" / "copy.db")]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: The folder {tmp_path / 'nowhere'} does not exist."]


def test_postgres_backup_prints_the_pg_dump_command_without_the_password(app, tmp_path):
    url = "postgresql://kindred:s3cret-pw@db.internal:5433/kindred_prod"
    pg = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                     "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "p" * 40,
                     "REDIS_URL": app.config["REDIS_URL"]})  # fmt: skip

    result = pg.test_cli_runner().invoke(args=["forum", "backup", "/backups/kindred.dump"])

    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert shlex.split(result.stdout.strip()) == [
        "pg_dump", "--format=custom", "--no-owner", "--file=/backups/kindred.dump",
        "--host=db.internal", "--port=5433", "--username=kindred", "kindred_prod",
    ]  # fmt: skip
    assert "~/.pgpass or PGPASSWORD" in result.stderr


def test_pg_dump_command_quotes_odd_names(app):
    with app.app_context():
        from sqlalchemy.engine import make_url

        command = pg_dump_command(make_url("postgresql://me@localhost/my db"), "out file.dump")
    assert shlex.split(command)[-1] == "my db"
    assert "'--file=out file.dump'" in command
