"""full-text search

Revision ID: 0006_search
Revises: 0005_follows
Create Date: 2026-11-24

The search index lives in the database and is kept in sync by the database itself, so no
code path can forget it (see forum/search/schema.py and README "Search"):

- PostgreSQL: stored generated tsvector columns `post.search_vector` (the body) and
  `thread.title_vector` (the title), each with a GIN index.
- SQLite: external-content FTS5 tables `post_fts` (over post.body_source) and `thread_fts`
  (over thread.title), kept in sync by triggers on insert, update and delete. A 'delete'
  with the old values removes the old words, so an edit or a redaction leaves nothing of
  the old text findable.

These objects are not ORM models; forum.search.schema.include_name keeps Alembic's
autogenerate from proposing to drop them.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0006_search'
down_revision = '0005_follows'
branch_labels = None
depends_on = None

# porter: "running" finds "run"; remove_diacritics 2: "cafe" finds "café".
_TOKENIZER = "porter unicode61 remove_diacritics 2"

_SQLITE_INDEXES = (
    # (fts table, content table, indexed column)
    ("post_fts", "post", "body_source"),
    ("thread_fts", "thread", "title"),
)


def _sqlite_statements(fts, table, column):
    values_new = f"new.id, new.{column}"
    delete_old = (
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    )
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        f"content_rowid='id', tokenize='{_TOKENIZER}')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES ({values_new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN {delete_old} "
        f"INSERT INTO {fts}(rowid, {column}) VALUES ({values_new}); END",
        # Index what is already there.
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, column, source in (
            ("post", "search_vector", "body_source"),
            ("thread", "title_vector", "title"),
        ):
            op.add_column(table, sa.Column(
                column, postgresql.TSVECTOR(),
                sa.Computed(f"to_tsvector('english'::regconfig, {source})", persisted=True),
                nullable=True,
            ))
            op.create_index(
                op.f(f"ix_{table}_{column}"), table, [column], postgresql_using="gin"
            )
        return
    for fts, table, column in _SQLITE_INDEXES:
        for statement in _sqlite_statements(fts, table, column):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, column in (("thread", "title_vector"), ("post", "search_vector")):
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
            op.drop_column(table, column)
        return
    for fts, table, _ in reversed(_SQLITE_INDEXES):
        for suffix in ("au", "ad", "ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
