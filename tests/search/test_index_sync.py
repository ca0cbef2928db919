"""The index lives in the database and follows every write: edits, title changes, redaction
(the old words must be gone, not just hidden), deletion, and the migrations' schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, text

from forum.db import utcnow
from forum.extensions import db
from forum.posts import services as posts
from forum.privacy.retention import purge_expired_content
from forum.search import schema
from tests.factories import BoardFactory
from tests.search.helpers import (
    found,
    indexed_terms,
    is_sqlite,
    moderate,
    opening,
    reply,
    sqlite_index_is_consistent,
    start,
)


@pytest.fixture
def thread(member):
    return start(BoardFactory(), member, "Morning routines", "Porridge and a podcast.")


def test_an_edit_replaces_the_old_words_with_the_new(member, thread):
    post = reply(thread, member, "I keep a gratitude journal.")
    posts.edit_post(post, "I keep a sketchbook now.")
    db.session.commit()

    assert found(member, "gratitude") == []
    assert found(member, "sketchbook") == [post.id]


def test_a_title_edit_replaces_the_old_title_words(member, thread):
    first = opening(thread)
    posts.edit_post(first, first.body_source, title="Evening routines")
    db.session.commit()

    assert found(member, "morning") == []
    assert found(member, "evening routines") == [first.id]


def test_a_redaction_purges_the_old_phrase_from_the_index(member, thread):
    post = reply(
        thread,
        member,
        "Call me on 07700 900123, I live on Rosemary Lane.",
        confirm_personal_info=True,
    )
    assert {"rosemari", "lane", "07700"} <= indexed_terms(post.id)

    moderate(post, "redact", "Call me any time.", "Personal information removed")

    assert found(member, "rosemary lane") == []
    assert found(member, "07700") == []
    assert found(member, "call any time") == [post.id]
    # Not merely unmatched: the words are no longer terms of the index for this post.
    assert indexed_terms(post.id).isdisjoint({"rosemari", "rosemary", "lane", "07700"})
    assert "call" in indexed_terms(post.id)
    assert sqlite_index_is_consistent()


def test_the_retention_purge_blanks_text_out_of_the_index(member, thread):
    post = reply(thread, member, "Tangerine peel smells like summer.")
    posts.withdraw_post(post)
    db.session.commit()
    purge_expired_content(utcnow() + timedelta(seconds=1))
    db.session.commit()

    assert indexed_terms(post.id) == set()
    assert sqlite_index_is_consistent()


def test_deleting_rows_removes_them_from_the_index(member, thread):
    reply(thread, member, "Marigolds on the windowsill.")
    db.session.delete(thread)
    db.session.commit()

    assert found(member, "marigolds") == []
    assert found(member, "porridge") == []
    assert sqlite_index_is_consistent()


def test_the_index_objects_exist_after_every_migration(app, ctx):
    """A later migration that rebuilt `post` or `thread` on SQLite would drop the triggers."""
    inspector = inspect(db.engine)
    if is_sqlite():
        with db.engine.connect() as conn:
            triggers = set(
                conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            )
        assert set(schema.FTS_TRIGGERS) <= triggers
        assert set(schema.FTS_TABLES) <= set(inspector.get_table_names())
    else:
        for table, column in schema.VECTOR_COLUMNS.items():
            assert column in {c["name"] for c in inspector.get_columns(table)}
            assert f"ix_{table}_{column}" in {i["name"] for i in inspector.get_indexes(table)}


def test_alembic_leaves_the_index_objects_out_of_its_comparison(app):
    include = app.extensions["migrate"].configure_args["include_name"]

    assert not include("post_fts", "table", {})
    assert not include("thread_fts_data", "table", {})
    assert not include("search_vector", "column", {"table_name": "post"})
    assert not include("ix_thread_title_vector", "index", {"table_name": "thread"})
    assert include("post", "table", {})
    assert include("body_source", "column", {"table_name": "post"})
    assert include("search_vector", "column", {"table_name": "user"})
