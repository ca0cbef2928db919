"""Unbound extension instances, and the rq wiring shared by the web app and the worker."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job, JobStatus

from forum.db import metadata

log = logging.getLogger(__name__)


def _client_key() -> str:
    """Key rate limits on a keyed hash of the client address, never the address itself."""
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:32]


db = SQLAlchemy(metadata=metadata)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=_client_key)


class JobQueue:
    """The Redis connection and rq queue of one app, created once and shared."""

    def __init__(self, app: Flask) -> None:
        timeout = app.config["FORUM_REDIS_TIMEOUT"]
        self.url: str = app.config["REDIS_URL"]
        # Short timeouts: a request must never hang because Redis is unreachable.
        self.redis = Redis.from_url(
            self.url, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        self.queue = Queue(app.config["FORUM_QUEUE_NAME"], connection=self.redis)
        app.extensions["kindred_jobs"] = self

    def enqueue(self, func: Callable[..., Any] | str, *args: Any, job_id: str) -> bool:
        """Enqueue `func(*args)` under `job_id`; report failure instead of raising.

        Redis is a transport, not the source of truth: callers that need a guarantee keep
        their own state in the database and re-enqueue.
        """
        try:
            if self._already_waiting(job_id):
                return True
            self.queue.enqueue(
                func,
                *args,
                job_id=job_id,
                retry=Retry(max=3, interval=[5, 30, 120]),
                result_ttl=600,
                failure_ttl=7 * 24 * 3600,
            )
        except RedisError:
            log.warning("could not enqueue job %s: Redis unavailable", job_id)
            return False
        return True

    def missing(self, job_ids: list[str]) -> set[str] | None:
        """The ids among `job_ids` that Redis holds no job for; None when Redis is unreachable.

        A Redis restarted without its data loses every queued job at once: the sweeper asks
        this to re-enqueue them at its next pass rather than after the queued timeout.
        """
        try:
            pipe = self.redis.pipeline(transaction=False)
            for job_id in job_ids:
                pipe.exists(Job.key_for(job_id))
            found = pipe.execute()
        except RedisError:
            return None
        return {job_id for job_id, there in zip(job_ids, found, strict=True) if not there}

    def _already_waiting(self, job_id: str) -> bool:
        """A job with this id that has not started yet will see the new data anyway.

        A worker marks a job started only once its work horse runs: one killed in between
        leaves the job "queued" though it is in no queue, so a queued job must be in the list.
        """
        job = self.queue.fetch_job(job_id)
        if job is None:
            return False
        status = job.get_status(refresh=False)
        if status == JobStatus.QUEUED:
            return self.redis.lpos(self.queue.key, job_id) is not None
        return status in _WAITING


_WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def get_jobs() -> JobQueue:
    """The current app's job queue."""
    return current_app.extensions["kindred_jobs"]
