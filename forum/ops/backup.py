"""Backups: an online, consistent copy of a SQLite database; the pg_dump line for PostgreSQL."""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import URL

from forum.ops.files import private_temp_path

PAGES_PER_STEP = 4096


class BackupRefused(ValueError):
    """The database cannot be copied this way; the message says why."""


def backup_sqlite(
    url: URL, target: Path, progress: Callable[[int, int], None] | None = None
) -> int:
    """Copy the SQLite database at `url` to `target` with SQLite's online backup API.

    Writers may keep writing: the copy is one consistent snapshot (SQLite restarts the
    copy if the database changes under it). The file is private to its owner and
    replaces `target` only when complete. `progress(copied, total)` is called in pages.
    Returns the size of the copy in bytes.
    """
    if not url.database or url.database == ":memory:":
        raise BackupRefused("This SQLite database lives in memory; there is no file to copy.")
    source_path = Path(url.database)
    if not source_path.exists():
        raise BackupRefused(f"{source_path} does not exist.")
    temp = private_temp_path(target)
    try:
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy, pages=PAGES_PER_STEP, progress=_pages(progress))
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        finally:
            copy.close()
            source.close()
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _pages(progress: Callable[[int, int], None] | None):  # type: ignore[no-untyped-def]
    if progress is None:
        return None

    def report(status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    return report


def pg_dump_command(url: URL, target: str) -> str:
    """The pg_dump command that backs up this PostgreSQL database to `target`.

    The password is never included: pg_dump reads it from ~/.pgpass or PGPASSWORD,
    or asks for it.
    """
    parts = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    return shlex.join(parts)
