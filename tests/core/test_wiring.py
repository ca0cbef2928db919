"""The app factory, folders, migrations and the background-job wiring."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forum.config import REPO_ROOT
from forum.extensions import db, get_jobs
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


def test_template_and_static_folders_resolve_from_the_repo_root(app):
    assert Path(app.template_folder) == REPO_ROOT / "templates"
    assert Path(app.static_folder) == REPO_ROOT / "static"
    assert (Path(app.template_folder) / "base.html").is_file()
    assert (Path(app.static_folder) / "css" / "kindred.css").is_file()
    assert Path(app.extensions["migrate"].directory) == REPO_ROOT / "migrations"


def test_migrations_produce_the_same_schema_as_the_models(app, ctx):
    with db.engine.connect() as conn:
        # Compare as `flask db migrate` does (its include_name skips the search index).
        opts = {"compare_type": True, **app.extensions["migrate"].configure_args}
        context = MigrationContext.configure(conn, opts=opts)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_board_counters_are_recomputed_by_a_real_worker_after_commit(app, ctx, run_worker):
    board = BoardFactory()
    author = UserFactory()
    thread = make_thread(board, author)
    make_reply(thread, author)
    job_ids = get_jobs().queue.job_ids
    assert [j for j in job_ids if j.startswith("recount-board-")] == [f"recount-board-{board.id}"]
    assert sorted(j for j in job_ids if j.startswith("screen-")) == ["screen-1", "screen-2"]
    db.session.refresh(board)
    assert board.post_count == 0  # not yet: the worker has not run

    assert run_worker() is True

    db.session.expire_all()
    assert board.thread_count == 1
    assert board.post_count == 2
    assert board.last_post_at is not None


def test_nothing_is_enqueued_when_the_transaction_rolls_back(app, ctx):
    from forum.posts import services

    board = BoardFactory()
    author = UserFactory()
    services.create_thread(board, author, "Rolled back", "Never committed")
    db.session.rollback()
    assert get_jobs().queue.count == 0


def test_recount_job_is_safe_to_run_twice(app, ctx, run_worker):
    from forum.posts.jobs import recount_board

    board = BoardFactory()
    make_thread(board, UserFactory())
    run_worker()
    recount_board(board.id)
    recount_board(board.id)
    db.session.expire_all()
    assert (board.thread_count, board.post_count) == (1, 1)
