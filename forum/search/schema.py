"""The search index's database objects, which live outside the ORM models.

They are created by migration 0006_search and kept in sync by the database itself:
generated tsvector columns on PostgreSQL, FTS5 tables maintained by triggers on SQLite.
`include_name` keeps Alembic from comparing them with the models (it would otherwise
propose dropping them, and the models-versus-migrations test would see a difference).
"""

from __future__ import annotations

from collections.abc import Mapping

# SQLite: each FTS5 table and the (table, column) it indexes. Each brings shadow tables
# named <table>_data, _idx, _docsize and _config.
FTS_SOURCES = {"post_fts": ("post", "body_source"), "thread_fts": ("thread", "title")}
FTS_TABLES = tuple(FTS_SOURCES)
# SQLite: the triggers that keep them in sync, three per table (insert, delete, update).
FTS_TRIGGERS = tuple(f"{table}_{event}" for table in FTS_TABLES for event in ("ai", "ad", "au"))
# PostgreSQL: the generated tsvector columns, each with a GIN index ix_<table>_<column>.
VECTOR_COLUMNS = {"post": "search_vector", "thread": "title_vector"}
VECTOR_INDEXES = frozenset(f"ix_{table}_{column}" for table, column in VECTOR_COLUMNS.items())


def sqlite_triggers(fts: str) -> dict[str, str]:
    """The CREATE TRIGGER statements that keep an FTS5 table in sync (as in 0006_search).

    A 'delete' with the row's old values takes its old words out of the index; an update
    of the indexed column is a delete and an insert.
    """
    table, column = FTS_SOURCES[fts]  # constant names: nothing here comes from input
    into = f"INSERT INTO {fts}"  # noqa: S608
    insert_new = f"{into}(rowid, {column}) VALUES (new.id, new.{column});"
    delete_old = f"{into}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    return {
        f"{fts}_ai": f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert_new} END",
        f"{fts}_ad": f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete_old} END",
        f"{fts}_au": f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} "
        f"BEGIN {delete_old} {insert_new} END",
    }


def include_name(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic's include_name hook: False for the search index's own objects."""
    if name is None:
        return True
    if type_ == "table":
        return not any(name == t or name.startswith(f"{t}_") for t in FTS_TABLES)
    if type_ == "column":
        return VECTOR_COLUMNS.get(parent_names.get("table_name") or "") != name
    if type_ == "index":
        return name not in VECTOR_INDEXES
    return True
