"""The sweeper catches up as soon as Redis comes back, and never claims a revision twice.

Real Redis servers of the tests' own (to stop and start), a real worker process with its
sweeper thread, and the real database.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from rq import Worker

from forum.db import utcnow
from forum.extensions import db, get_jobs
from forum.moderation import pipeline
from forum.posts.models import Post
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.moderation.helpers_pipeline import (
    CRISIS_TEXT,
    RedisServer,
    app_with_own_redis,
    build_app_like,
    dispose_app,
    free_port,
    items_of,
    kill_worker,
    revisions_of,
    screening_of,
    wait_until,
    worker_process,
)


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="anxiety", name="Anxiety")


def _post_while_redis_is_down(other, board, member, redis_server: RedisServer) -> int:  # type: ignore[no-untyped-def]
    """Write a thread through `other` with its Redis stopped; return its revision id."""
    redis_server.kill()
    with other.app_context():
        thread = make_thread(db.session.merge(board), db.session.merge(member), "Tonight",
                             CRISIS_TEXT)  # fmt: skip
        revision_id = revisions_of(thread.first_post)[0].id
        db.session.remove()
    return revision_id


def test_right_after_redis_returns_a_sweep_requeues_even_a_revision_younger_than_the_grace(
    app, board
):
    member = UserFactory()
    with app_with_own_redis(app) as (other, redis_server):
        revision_id = _post_while_redis_is_down(other, board, member, redis_server)
        down_at = utcnow()
        redis_server.start()  # empty: the job was never stored
        back_at = utcnow()
        with other.app_context():
            usual = pipeline.sweep()  # written a moment ago: within the lost grace
            at_return = pipeline.sweep(outage=(down_at, back_at))
            waiting = get_jobs().queue.job_ids
            db.session.remove()

        assert (usual.requeued, at_return.requeued) == (0, 1)
        assert waiting == [f"screen-{revision_id}"]
        assert screening_of(revision_id).state == "queued"


def test_another_sweeper_back_from_the_outage_leaves_a_fresh_claim_to_its_claimer(app, board):
    member = UserFactory()
    with app_with_own_redis(app) as (other, redis_server):
        revision_id = _post_while_redis_is_down(other, board, member, redis_server)
        down_at = utcnow()
        redis_server.start()
        with other.app_context():
            assert pipeline.sweep(outage=(down_at, utcnow())).requeued == 1
            get_jobs().redis.flushdb()  # as if its claimer had not enqueued it yet
            second = pipeline.sweep(outage=(down_at, utcnow()))
            past_grace = pipeline.sweep(now=utcnow() + pipeline.LOST_GRACE + timedelta(seconds=1))
            db.session.remove()

        assert (second.requeued, past_grace.requeued) == (0, 1)
        assert screening_of(revision_id).state == "queued"


def test_a_post_written_during_an_outage_is_screened_seconds_after_redis_returns(app, board):
    member = UserFactory()
    redis_server = RedisServer(free_port())
    redis_server.start()
    other = build_app_like(app, REDIS_URL=redis_server.url)
    db.session.remove()  # the worker process must not wait on a connection of ours
    worker = worker_process(other)
    try:
        with other.app_context():
            redis = get_jobs().redis
        wait_until(lambda: Worker.count(connection=redis), 30, "the worker to start")
        revision_id = _post_while_redis_is_down(other, board, member, redis_server)
        wait_until(lambda: "Redis is unreachable" in worker.output(), 10,
                   "the sweeper to notice")  # fmt: skip
        redis_server.start()  # empty: the job was never stored
        back = time.monotonic()

        wait_until(lambda: screening_of(revision_id).state == "done", 30, "the screening")
        elapsed = time.monotonic() - back

        assert "Redis is back; re-enqueued 1 at once" in worker.output()
        # Without the return sweep: the first pass once the revision is past the lost grace,
        # 8 s or more here (written 1 to 2 s before Redis came back). Typically 0.2 s.
        assert elapsed < pipeline.LOST_GRACE.total_seconds() / 2, f"screened after {elapsed:.1f} s"
        post = db.session.get(Post, screening_of(revision_id).post_id)
        assert items_of(post)[0].lane == "crisis"
    finally:
        kill_worker(worker)
        redis_server.kill()
        dispose_app(other, app)


def test_a_sweep_claims_only_what_it_read_so_a_revision_screened_meanwhile_stays_done(
    board, run_worker
):
    thread = make_thread(board, UserFactory(), "Lost", "Redis lost this one.")
    revision_id = revisions_of(thread.first_post)[0].id
    get_jobs().redis.flushdb()
    moment = utcnow() + pipeline.LOST_GRACE + timedelta(seconds=1)
    grace_ends = moment - pipeline.LOST_GRACE
    (seen,) = pipeline._lost(moment, 10, grace_ends, grace_ends)  # as a sweep reads it
    pipeline.enqueue_screening_now(revision_id)
    assert run_worker()  # a worker screens it meanwhile
    assert screening_of(revision_id).state == "done"

    won = pipeline._claim([seen], state="queued", updated_at=moment)
    db.session.commit()

    assert won == []
    assert screening_of(revision_id).state == "done"
