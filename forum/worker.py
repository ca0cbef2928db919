"""The rq worker: built from the same app factory, every job inside an app context."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from rq import Worker

from forum.extensions import db, get_jobs


class AppWorker(Worker):
    """An rq worker whose jobs run in a fresh app context with a clean database session."""

    def __init__(self, *args: Any, app: Flask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = app
        self._parent_pid = os.getpid()

    def subscribe(self) -> None:
        """Start rq's pubsub thread with the stop signals blocked in it.

        The kernel hands a process-wide SIGINT or SIGTERM to any thread not blocking it, but
        Python runs handlers only in the main thread. Caught by the pubsub thread, the signal
        would leave the main thread in its blocking dequeue for up to dequeue_timeout (minutes).
        """
        stop_signals = {signal.SIGINT, signal.SIGTERM}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        try:
            super().subscribe()  # the new thread inherits this thread's signal mask
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def execute_job(self, job: Any, queue: Any) -> Any:
        """Run the job in a forked work horse, then compile the screening rules here.

        Each work horse inherits this process's memory: with the rule set cached here
        after the first job (and again after admins change a rule), a screening job costs
        milliseconds instead of the seconds a fresh compile takes.
        """
        try:
            return super().execute_job(job, queue)
        finally:
            with self.app.app_context():
                try:
                    warm_caches()
                finally:
                    db.session.remove()

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            if os.getpid() != self._parent_pid:
                # A forked work horse must not share the parent's pooled connections.
                db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue, execution)
            finally:
                db.session.remove()


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
REDIS_RETRY_SECONDS = (1, 2, 5, 10)


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work jobs until asked to stop, starting a new rq worker whenever Redis dropped the last.

    rq's worker quits when Redis goes away under a running job; Redis is a best-effort
    transport here, so wait for it to answer again and carry on, as a supervisor would.
    """
    attempt = 0
    while True:
        worker = make_worker(app)
        try:
            worker.work(burst=burst, with_scheduler=not burst, logging_level="INFO")
        except RedisError:  # its clean-up after a lost job needs the Redis that is gone
            log.warning("the rq worker lost Redis", exc_info=True)
        if burst or worker._shutdown_requested_date is not None:  # noqa: SLF001 (set on SIGINT/SIGTERM)
            return
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
    """Run the screening sweeper every `interval` seconds in a daemon thread.

    It reads the database, not Redis, so it keeps working (and catches up) through a Redis
    outage. Returns an event that stops it.
    """
    stop = threading.Event()
    thread = threading.Thread(target=_sweep_loop, args=(app, interval, stop), daemon=True,
                              name="kindred-sweeper")  # fmt: skip
    # As in subscribe(): stop signals must reach the main thread, not this one.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return stop


def _sweep_loop(app: Flask, interval: float, stop: threading.Event) -> None:
    from forum.moderation.pipeline import sweep

    while True:
        with app.app_context():
            try:
                report = sweep()
                if report.requeued or report.failed:
                    log.info("sweeper: re-enqueued %s, failed %s", report.requeued, report.failed)
            except Exception:
                log.exception("sweeper pass failed; trying again next time")
                db.session.rollback()
            finally:
                db.session.remove()
        if stop.wait(interval):
            return
