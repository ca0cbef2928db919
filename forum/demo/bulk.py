"""Bulk loading for the large demo: COPY on PostgreSQL, Core executemany on SQLite.

Rows are tuples in the order of the given column names, with ids chosen by the caller
(so rows can point at each other without a round trip per row). Both paths run on the
session's own connection, inside its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, select, text

from forum.extensions import db


def is_postgres() -> bool:
    """True when the database is PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


def next_id(table: Table) -> int:
    """The first id after every row of the table (1 when it is empty)."""
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_rows(table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert the rows in one COPY (PostgreSQL) or one executemany (SQLite)."""
    if not rows:
        return
    columns, rows = _with_defaults(table, columns, rows)
    if is_postgres():
        _copy(table, columns, rows)
    else:
        db.session.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


def _with_defaults(
    table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> tuple[Sequence[str], list[tuple[Any, ...]]]:
    """Add the client-side defaults of columns not given (COPY would leave them NULL).

    Columns that later features add with a default are filled this way too.
    """
    extra: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in columns or default is None:
            continue
        if default.is_scalar:  # type: ignore[attr-defined]
            extra[column.name] = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:  # type: ignore[attr-defined]
            extra[column.name] = default.arg(None)  # type: ignore[attr-defined]
    if not extra:
        return columns, rows
    values = tuple(extra.values())
    return (*columns, *extra), [row + values for row in rows]


def _copy(table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    # COPY bypasses the UTCDateTime type: timestamps are written as naive UTC, as it stores them.
    names = ", ".join(f'"{name}"' for name in columns)
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row([_naive(value) for value in row])


def _naive(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def reset_sequences(tables: Sequence[Table]) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past the largest."""
    if not is_postgres():
        return
    for table in tables:
        name = table.name  # from our own metadata, never from input
        sql = (
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608
            f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"), false)'
        )
        db.session.execute(text(sql))
