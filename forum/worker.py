"""The rq worker: built from the same app factory, every job inside an app context."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

from flask import Flask
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

    def perform_job(self, job: Any, queue: Any, execution: Any) -> bool:
        with self.app.app_context():
            if os.getpid() != self._parent_pid:
                # A forked work horse must not share the parent's pooled connections.
                db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue, execution)
            finally:
                db.session.remove()


def make_worker(app: Flask) -> AppWorker:
    """A worker on the app's queue and Redis connection."""
    with app.app_context():
        jobs = get_jobs()
        return AppWorker([jobs.queue], connection=jobs.redis, app=app)


log = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 30.0


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
