"""Screening survives failures: Redis down while posting, a worker killed mid-job, and a
revision that cannot be screened at all. Each runs on a real Redis and real worker processes.
"""

from __future__ import annotations

import time
from datetime import timedelta

import psutil
import pytest
from rq import Queue
from rq.job import JobStatus
from rq.registry import StartedJobRegistry

from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import utcnow
from forum.extensions import db, get_jobs
from forum.moderation import pipeline
from forum.moderation.health import queue_health
from forum.moderation.models import Flag
from forum.worker import make_worker, warm_caches
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.moderation.helpers_pipeline import (
    CRISIS_TEXT,
    RedisServer,
    app_with_own_redis,
    build_app_like,
    count,
    dispose_app,
    flags_of,
    free_port,
    is_dead,
    items_of,
    kill_worker,
    latest_post,
    logged_in,
    revisions_of,
    rule_keys,
    screening_of,
    screening_row_locked,
    start_thread,
    wait_until,
    work_horse_of,
    worker_process,
)

# Far enough ahead that every pending or queued revision counts as stuck.
LATER = pipeline.QUEUED_TIMEOUT + pipeline.PENDING_GRACE + timedelta(minutes=1)


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="anxiety", name="Anxiety")


def test_posting_while_redis_is_down_succeeds_fast_and_the_sweeper_catches_up(app, board):
    member = UserFactory(pseudonym="Rowan")
    with app_with_own_redis(app) as (other, redis_server):
        browser = logged_in(other, member)
        with other.app_context():
            warm_caches()  # as a web process does at start: the compile is not what is timed
        redis_server.kill()

        started = time.monotonic()
        response = start_thread(browser, "anxiety", CRISIS_TEXT)
        elapsed = time.monotonic() - started

        assert response.status_code == 302
        assert elapsed < 2.0, f"posting took {elapsed:.2f} s with Redis down"
        post = latest_post()
        revision_id = revisions_of(post)[0].id
        assert post.body_source == CRISIS_TEXT
        assert screening_of(revision_id).state == "pending"

        redis_server.start()  # same port, empty: the job was never stored
        with other.app_context():
            assert get_jobs().queue.count == 0
            report = pipeline.sweep(now=utcnow() + timedelta(minutes=5))
            assert (report.requeued, report.failed) == (1, 0)
            assert get_jobs().queue.fetch_job(f"screen-{revision_id}") is not None
        assert make_worker(other).work(burst=True, logging_level="WARNING")

        assert screening_of(revision_id).state == "done"
        assert items_of(post)[0].lane == "crisis"


def test_sweeper_runs_while_redis_is_down_and_leaves_the_revision_queued(app, board):
    member = UserFactory()
    with app_with_own_redis(app) as (other, redis_server):
        redis_server.kill()
        with other.app_context():
            thread = make_thread(db.session.merge(board), db.session.merge(member), "Title",
                                 "Nobody hears this job.")  # fmt: skip
            revision_id = revisions_of(thread.first_post)[0].id
            report = pipeline.sweep(now=utcnow() + timedelta(minutes=5))
            health = queue_health()
            db.session.remove()

        assert (report.requeued, report.failed) == (1, 0)  # claimed, though Redis refused it
        assert screening_of(revision_id).state == "queued"
        assert (health.redis_up, health.unscreened) == (False, 1)
        redis_server.start()
        with other.app_context():
            # Past the queued timeout counted from the first sweep's claim.
            report = pipeline.sweep(now=utcnow() + timedelta(minutes=5) + LATER)
            db.session.remove()
        assert report.requeued == 1
        assert make_worker(other).work(burst=True, logging_level="WARNING")
        assert screening_of(revision_id).state == "done"


def _job_running(worker, started, job_id) -> bool:  # type: ignore[no-untyped-def]
    """The job has started in the worker; fails fast if the worker died."""
    assert worker.poll() is None, worker.output()
    return job_id in started.get_job_ids()


def test_worker_killed_mid_job_is_recovered_by_the_sweeper_without_duplicate_flags(
    app, board, run_worker
):
    member = UserFactory()
    thread = make_thread(board, member, "Sleepless", "Anyone else awake?")
    run_worker()
    post = make_reply(thread, member, CRISIS_TEXT)
    revision_id = revisions_of(post)[0].id
    db.session.remove()  # no connection of ours may hold a lock meanwhile
    started = StartedJobRegistry(queue=get_jobs().queue)
    job_id = f"screen-{revision_id}"

    worker = None
    try:
        with screening_row_locked(app, revision_id):
            worker = worker_process(app)
            wait_until(lambda: _job_running(worker, started, job_id), 8,
                       "the worker to start the screen job")  # fmt: skip
            assert work_horse_of(worker) is None  # the job runs in the worker process itself
            process = psutil.Process(worker.pid)
            kill_worker(worker)  # mid-job: it waits on the lock we hold
            assert is_dead(process)
        assert job_id in started.get_job_ids()  # abandoned mid-job: rq still thinks it runs
        assert screening_of(revision_id).state == "pending"

        report = pipeline.sweep(now=utcnow() + LATER)
        assert report.requeued == 1
        assert run_worker()
    finally:
        if worker is not None:
            kill_worker(worker)

    screening = screening_of(revision_id)
    assert screening.state == "done"
    keys = rule_keys(flags_of(post))
    assert keys and len(keys) == len(set(keys))
    assert any(flag.lane == "crisis" for flag in flags_of(post))
    assert len(items_of(post)) == 1


def test_job_taken_by_a_worker_that_died_before_starting_it_is_requeued_by_the_sweeper(
    board, run_worker
):
    """rq marks a job started only once its work horse runs; a worker killed in between leaves
    the job "queued" in Redis, though it is in no queue any more."""
    thread = make_thread(board, UserFactory(), "Taken", CRISIS_TEXT)
    revision_id = revisions_of(thread.first_post)[0].id
    queue = get_jobs().queue
    job, _ = Queue.dequeue_any([queue], None, connection=queue.connection)  # as a worker does
    assert job.id == f"screen-{revision_id}"
    assert job.get_status() == JobStatus.QUEUED and job.id not in queue.job_ids

    report = pipeline.sweep(now=utcnow() + LATER)

    assert report.requeued == 1
    assert job.id in queue.job_ids
    assert run_worker()
    assert screening_of(revision_id).state == "done"
    assert items_of(thread.first_post)[0].lane == "crisis"


def test_after_max_attempts_the_sweeper_marks_the_revision_failed_for_manual_review(
    app, board, run_worker
):
    author = UserFactory()
    admin = UserFactory(is_admin=True)
    thread = make_thread(board, author, "Unscreenable", "Something the screener chokes on.")
    revision_id = revisions_of(thread.first_post)[0].id
    get_jobs().redis.flushdb()  # Redis lost the job
    screening = screening_of(revision_id)
    screening.attempts = pipeline.MAX_ATTEMPTS
    db.session.commit()

    report = pipeline.sweep(now=utcnow() + LATER)

    assert (report.requeued, report.failed) == (0, 1)
    assert screening_of(revision_id).state == "failed"
    (item,) = items_of(thread.first_post)
    assert (item.needs_manual, item.state, item.lane) == (True, "open", "red")
    system = [flag for flag in flags_of(thread.first_post) if flag.source == "system"]
    assert [flag.rule_key for flag in system] == ["system.screening-failed"]
    assert "needs manual review" in system[0].reason
    assert get_jobs().queue.count == 0  # given up: not re-enqueued
    queue_page = logged_in(app, admin).get("/review").get_data(as_text=True)
    assert "needs manual review" in queue_page
    assert queue_health().failed_screenings == 1


def test_a_failed_revision_is_never_swept_again(board):
    member = UserFactory()
    thread = make_thread(board, member, "Unscreenable", "Once failed, left to humans.")
    revision_id = revisions_of(thread.first_post)[0].id
    screening = screening_of(revision_id)
    screening.attempts = pipeline.MAX_ATTEMPTS
    db.session.commit()
    pipeline.sweep(now=utcnow() + LATER)

    again = pipeline.sweep(now=utcnow() + LATER * 10)

    assert (again.requeued, again.failed) == (0, 0)
    assert count(Flag, Flag.rule_key == "system.screening-failed") == 1


def test_sweeper_requeues_only_revisions_past_their_grace(board, run_worker):
    member = UserFactory()
    make_thread(board, member, "Fresh", "Just posted.")
    get_jobs().redis.flushdb()

    too_soon = pipeline.sweep(now=utcnow())
    later = pipeline.sweep(now=utcnow() + LATER)

    assert too_soon.requeued == 0
    assert later.requeued == 1
    assert run_worker()
    assert screening_of(revisions_of(latest_post())[0].id).state == "done"


def _requeued_by_a_sweep(board) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    """A revision the sweeper re-enqueued (state "queued"), and the moment it did so."""
    make_thread(board, UserFactory(), "Queued", "Re-enqueued by the sweeper.")
    revision = revisions_of(latest_post())[0]
    moment = utcnow() + LATER
    get_jobs().redis.flushdb()
    assert pipeline.sweep(now=moment).requeued == 1
    assert screening_of(revision.id).state == "queued"
    return revision.id, moment


def test_queued_revision_whose_job_redis_lost_is_requeued_after_a_short_grace(board, run_worker):
    revision_id, moment = _requeued_by_a_sweep(board)
    get_jobs().redis.flushdb()  # Redis restarted without its data

    report = pipeline.sweep(now=moment + pipeline.LOST_GRACE + timedelta(seconds=1))

    assert report.requeued == 1  # not at the queued timeout, minutes later
    assert run_worker()
    assert screening_of(revision_id).state == "done"


def test_pending_revision_whose_enqueue_was_lost_is_requeued_after_a_short_grace(board, run_worker):
    make_thread(board, UserFactory(), "Pending", "Posted while Redis was away.")
    revision = revisions_of(latest_post())[0]
    get_jobs().redis.flushdb()  # the enqueue after commit never reached Redis

    report = pipeline.sweep(now=utcnow() + pipeline.LOST_GRACE + timedelta(seconds=1))

    assert report.requeued == 1  # not after the 30-second pending grace
    assert run_worker()
    assert screening_of(revision.id).state == "done"


def test_queued_revision_whose_job_is_still_in_redis_waits_for_the_timeout(board):
    _revision_id, moment = _requeued_by_a_sweep(board)

    report = pipeline.sweep(now=moment + pipeline.LOST_GRACE + timedelta(seconds=1))

    assert report.requeued == 0
    assert get_jobs().queue.count == 1


def test_two_sweeps_at_once_enqueue_a_stuck_revision_once(app, board):
    member = UserFactory()
    make_thread(board, member, "Stuck", "Lost by Redis.")
    get_jobs().redis.flushdb()
    moment = utcnow() + LATER

    first = pipeline.sweep(now=moment)
    second = pipeline.sweep(now=moment)  # the row was claimed at `moment`: not stuck again

    assert (first.requeued, second.requeued) == (1, 0)
    assert get_jobs().queue.count == 1


def test_crisis_post_while_redis_is_down_still_reaches_the_support_page(app, board):
    member = UserFactory()
    with app_with_own_redis(app) as (other, redis_server):
        browser = logged_in(other, member)
        redis_server.kill()
        response = start_thread(browser, "anxiety", CRISIS_TEXT, title="Tonight")
        post = latest_post()
        assert response.location == f"/support?post={post.id}"
        page = browser.get(response.location)
        assert page.status_code == 200
        assert "Your post is saved" in page.get_data(as_text=True)


def test_worker_outlives_redis_going_away_under_a_job_and_works_on_once_it_is_back(app, board):
    member = UserFactory()
    revision_id = revisions_of(make_thread(board, member, "Late", "Awake.").first_post)[0].id
    board_id, member_id = board.id, member.id
    redis_server = RedisServer(free_port())
    redis_server.start()
    other = build_app_like(app, REDIS_URL=redis_server.url)
    worker = None
    try:
        with other.app_context():
            assert pipeline.enqueue_screening_now(revision_id)  # on the Redis we will stop
            started = StartedJobRegistry(queue=get_jobs().queue)
        db.session.remove()  # no connection of ours may hold a lock meanwhile
        with screening_row_locked(app, revision_id):
            worker = worker_process(other)
            wait_until(lambda: _job_running(worker, started, f"screen-{revision_id}"), 15,
                       "the worker to start the screen job")  # fmt: skip
            redis_server.kill()  # under the running job, which then finishes without it
        wait_until(lambda: "lost Redis" in worker.output(), 30, "the worker to notice")
        assert worker.poll() is None, worker.output()  # waiting for Redis, not dead

        redis_server.start()  # empty, as after a restart without its data
        member = db.session.get(User, member_id)
        thread = make_thread(db.session.get(Board, board_id), member, "Back", "Hello again.")
        later_id = revisions_of(make_reply(thread, member, "Again."))[0].id
        with other.app_context():
            assert pipeline.enqueue_screening_now(later_id)
        db.session.remove()

        wait_until(lambda: screening_of(later_id).state == "done", 30, "the next job to run")
        assert worker.poll() is None
    finally:
        if worker is not None:
            kill_worker(worker)
        redis_server.kill()
        dispose_app(other, app)
