"""Looking after the search index: check it, merge it, rebuild it (`flask forum search`).

The index keeps itself in sync (see forum/search/schema.py); these are for operators: after
a bulk load, on a schedule, or after a migration that rebuilt `post` or `thread` on SQLite
(which drops the triggers with the table).
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from forum.extensions import db
from forum.search import schema


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _fts_command(fts: str, command: str) -> None:
    """Send FTS5 one of its special commands ('optimize', 'rebuild', 'integrity-check')."""
    assert fts in schema.FTS_TABLES  # a constant name, never input: no injection
    rank = ", rank" if command == "integrity-check" else ""
    value = ", 1" if rank else ""
    statement = f"INSERT INTO {fts}({fts}{rank}) VALUES (:command{value})"  # noqa: S608
    db.session.execute(text(statement), {"command": command})


def index_problems() -> list[str]:
    """What is missing from the index or wrong with it; an empty list when all is well."""
    return _sqlite_problems() if _is_sqlite() else _postgres_problems()


def _sqlite_problems() -> list[str]:
    problems = []
    found = text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    names = set(db.session.scalars(found))
    for fts in schema.FTS_TABLES:
        if fts not in names:
            problems.append(f"the full-text table {fts} is missing")
            continue
        missing = sorted(set(schema.sqlite_triggers(fts)) - names)
        if missing:
            problems.append(f"{fts} is not kept in sync: missing trigger(s) {', '.join(missing)}")
        try:
            with db.session.begin_nested():
                _fts_command(fts, "integrity-check")
        except DatabaseError:
            problems.append(f"{fts} does not match its table")
    return problems


def _postgres_problems() -> list[str]:
    inspector = inspect(db.session.connection())
    problems = []
    for table, column in schema.VECTOR_COLUMNS.items():
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            problems.append(f"the column {table}.{column} is missing")
        if f"ix_{table}_{column}" not in {i["name"] for i in inspector.get_indexes(table)}:
            problems.append(f"the index ix_{table}_{column} is missing")
    return problems


def optimize_index() -> None:
    """Merge the index into its most compact form and refresh the planner's statistics.

    SQLite: FTS5 keeps each batch of writes as a segment and merges them lazily; a lookup
    visits every segment, so after a bulk load (or nightly) 'optimize' merges them all.
    PostgreSQL: move the GIN indexes' pending entries into the index proper (autovacuum
    does this too) and ANALYZE, so the planner knows how common each word is.
    """
    if _is_sqlite():
        for fts in schema.FTS_TABLES:
            _fts_command(fts, "optimize")
        return
    for table, column in schema.VECTOR_COLUMNS.items():
        db.session.execute(text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"),
                           {"index": f"ix_{table}_{column}"})  # fmt: skip
        db.session.execute(text(f"ANALYZE {table}"))


def rebuild_index() -> None:
    """Recreate whatever is missing and rebuild the index from the tables' current text.

    SQLite: missing triggers are created again and each FTS5 table is rebuilt from its
    table (so posts written while a trigger was missing are indexed). PostgreSQL: the
    generated columns cannot fall behind; a missing GIN index is created again.
    """
    if _is_sqlite():
        names = set(db.session.scalars(text("SELECT name FROM sqlite_master")))
        for fts in schema.FTS_TABLES:
            for name, statement in schema.sqlite_triggers(fts).items():
                if name not in names:
                    db.session.execute(text(statement))
            _fts_command(fts, "rebuild")
        return
    for table, column in schema.VECTOR_COLUMNS.items():
        db.session.execute(text(
            f"CREATE INDEX IF NOT EXISTS ix_{table}_{column} ON {table} USING gin ({column})"
        ))  # fmt: skip
