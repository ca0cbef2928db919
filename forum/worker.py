"""The rq worker: built from the same app factory, every job inside an app context."""

from __future__ import annotations

import os
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
