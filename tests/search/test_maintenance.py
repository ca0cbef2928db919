"""`flask forum search check|optimize|rebuild`: the operator's view of the index."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from forum.extensions import db
from forum.search import maintenance
from tests.factories import BoardFactory
from tests.search.helpers import found, is_sqlite, reply, sqlite_index_is_consistent, start


@pytest.fixture
def cli(runner, ctx):  # type: ignore[no-untyped-def]
    def invoke(*args: str):  # type: ignore[no-untyped-def]
        result = runner.invoke(args=["forum", "search", *args])
        db.session.rollback()
        return result

    return invoke


@pytest.fixture
def thread(member):
    return start(BoardFactory(), member, "Allotment days", "Digging potatoes in the rain.")


def _lose_part_of_the_index() -> str:
    """What a migration rebuilding `post` on SQLite does to the index; on PostgreSQL, a
    dropped GIN index. Returns the name of what was lost."""
    with db.engine.begin() as conn:
        if is_sqlite():
            conn.execute(text("DROP TRIGGER post_fts_ai"))
            return "post_fts_ai"
        conn.execute(text("DROP INDEX ix_post_search_vector"))
        return "ix_post_search_vector"


def test_check_passes_on_a_migrated_database(cli, thread):
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert "in place and in sync" in result.output

    report = json.loads(cli("check", "--json").stdout)
    assert report == {"ok": True, "problems": []}


def test_check_names_a_lost_part_and_rebuild_restores_it(cli, member, thread):
    lost = _lose_part_of_the_index()
    try:
        unindexed = reply(thread, member, "Runner beans up the canes.")
        result = cli("check")
        assert result.exit_code == 1
        assert lost in result.output and "flask forum search rebuild" in result.output
        assert json.loads(cli("check", "--json").stdout)["ok"] is False
    finally:
        rebuilt = cli("rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output

    assert maintenance.index_problems() == []
    assert found(member, "runner beans") == [unindexed.id]
    assert sqlite_index_is_consistent()


def test_optimize_keeps_every_result(cli, member, thread):
    later = reply(thread, member, "Potatoes again, roasted this time.")
    before = found(member, "potatoes")

    result = cli("optimize")

    assert result.exit_code == 0, result.output
    assert found(member, "potatoes") == before and later.id in before
    assert sqlite_index_is_consistent()
