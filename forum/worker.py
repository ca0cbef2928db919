"""The rq worker: built from the same app factory, every job inside an app context."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker

from forum.db import utcnow
from forum.extensions import db, get_jobs

# Signals that must reach the main thread: stop requests, and SIGALRM, which ends a job that
# overruns its timeout. Python runs handlers only in the main thread, so a signal the kernel
# handed to a helper thread would not interrupt the main thread's blocking call.
MAIN_THREAD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGALRM}


class AppWorker(SimpleWorker):
    """An rq worker that runs each job itself, in a fresh app context.

    No work horse is forked per job: a fork costs more than a screening job (a new database
    connection each time, the process copied), and a fork taken while the sweeper thread
    held a lock (SQLAlchemy's mapper configuration, the connection pool) leaves the horse
    waiting forever on it. Durability does not rest on the horse: a worker killed mid-job
    leaves its revision pending in the database, and the sweeper re-enqueues it.
    """

    # rq doubles its wait between attempts to reach Redis up to a minute: after a 20-second
    # outage an idle worker would wait 11 s more. Trying every 2 s costs nothing.
    max_connection_wait_time = 2.0

    def __init__(self, *args: Any, app: Flask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = app

    def subscribe(self) -> None:
        """Start rq's pubsub thread with the main-thread signals blocked in it.

        The kernel hands a process-wide signal to any thread not blocking it. Caught by the
        pubsub thread, SIGTERM would leave the main thread in its blocking dequeue for up to
        dequeue_timeout (minutes), and SIGALRM would not cut short an overrunning job.
        """
        with main_thread_signals_blocked():
            super().subscribe()  # the new thread inherits this thread's signal mask

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            try:
                return super().perform_job(job, queue, execution)
            finally:
                db.session.remove()


@contextmanager
def main_thread_signals_blocked() -> Iterator[None]:
    """Block MAIN_THREAD_SIGNALS in this thread for the block; threads started in it inherit."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, MAIN_THREAD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def warm_caches() -> None:
    """Build the per-process caches that requests and jobs would otherwise build on first use."""
    from forum.moderation.rules import current_ruleset

    current_ruleset()


def make_worker(app: Flask) -> AppWorker:
    """A worker on the app's queue and Redis connection."""
    with app.app_context():
        jobs = get_jobs()
        return AppWorker([jobs.queue], connection=jobs.redis, app=app)


log = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 10.0
REDIS_CHECK_SECONDS = 1.0
REDIS_RETRY_SECONDS = (1, 2, 5, 10)
HEALTHY_RUN_SECONDS = 60.0  # a worker that ran this long before losing Redis starts afresh


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work jobs until asked to stop, starting a new rq worker whenever Redis dropped the last.

    rq's worker quits when Redis goes away under a running job; Redis is a best-effort
    transport here, so wait for it to answer again and carry on, as a supervisor would.
    The rules are compiled before the first job, so that no job pays for it.
    """
    with app.app_context():
        try:
            warm_caches()
        finally:
            db.session.remove()
    attempt = 0
    while True:
        worker = make_worker(app)
        started = time.monotonic()
        try:
            worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
        except RedisError:  # its clean-up after a lost job needs the Redis that is gone
            log.warning("the rq worker lost Redis", exc_info=True)
        if burst or worker._shutdown_requested_date is not None:  # noqa: SLF001 (set on SIGINT/SIGTERM)
            return
        if time.monotonic() - started > HEALTHY_RUN_SECONDS:
            attempt = 0  # a new outage, not the same one: check again soon
        log.warning("the rq worker stopped without being asked (Redis unreachable?); restarting")
        _wait_for_redis(app, REDIS_RETRY_SECONDS[min(attempt, len(REDIS_RETRY_SECONDS) - 1)])
        attempt += 1


def _wait_for_redis(app: Flask, pause: float) -> None:
    """Sleep until Redis answers a ping; SIGINT or SIGTERM meanwhile just ends the process."""
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, _exit_now)  # the stopped rq worker's handlers would need Redis
    with app.app_context():
        redis = get_jobs().redis
    while True:
        time.sleep(pause)
        try:
            redis.ping()
            return
        except RedisError:
            log.warning("Redis still unreachable; retrying in %s s", pause)


def _exit_now(signum: int, _frame: Any) -> None:
    raise SystemExit(0)


def start_sweeper(app: Flask, interval: float = SWEEP_INTERVAL_SECONDS) -> threading.Event:
    """Run the screening sweeper every `interval` seconds, and at once when Redis comes back.

    It reads the database, not Redis, so it keeps working (and catches up) through a Redis
    outage. Returns an event that stops it.
    """
    stop = threading.Event()
    thread = threading.Thread(target=_sweep_loop, args=(app, interval, stop), daemon=True,
                              name="kindred-sweeper")  # fmt: skip
    with main_thread_signals_blocked():  # as in subscribe()
        thread.start()
    return stop


def _sweep_loop(app: Flask, interval: float, stop: threading.Event) -> None:
    """Sweep every `interval` s; check Redis every second and sweep as soon as it is back.

    Posts written during an outage were never enqueued: waiting for the next pass (up to
    `interval`) and then for the lost grace would leave them unscreened for 20 s more.
    """
    with app.app_context():
        ping = get_jobs().redis.ping
    redis_up, last_sweep, last_down = True, float("-inf"), utcnow()
    while True:
        was_up, redis_up = redis_up, _answers(ping)
        if was_up and not redis_up:
            log.warning("sweeper: Redis is unreachable; sweeping as soon as it answers")
        outage = (last_down, utcnow()) if redis_up and not was_up else None
        if not redis_up:
            last_down = utcnow()
        if outage is not None or time.monotonic() - last_sweep >= interval:
            last_sweep = time.monotonic()
            _sweep_once(app, outage)
        if stop.wait(min(interval, REDIS_CHECK_SECONDS)):
            return


def _answers(ping: Callable[[], Any]) -> bool:
    try:
        return bool(ping())
    except RedisError:
        return False


def _sweep_once(app: Flask, outage: tuple[datetime, datetime] | None) -> None:
    """One sweeper pass; `outage` (last seen down, first seen back) once Redis is back."""
    from forum.moderation.pipeline import sweep

    with app.app_context():
        try:
            report = sweep(outage=outage)
            if outage is not None:
                log.info("sweeper: Redis is back; re-enqueued %s at once", report.requeued)
            elif report.requeued or report.failed:
                log.info("sweeper: re-enqueued %s, failed %s", report.requeued, report.failed)
        except Exception:
            log.exception("sweeper pass failed; trying again next time")
            db.session.rollback()
        finally:
            db.session.remove()
