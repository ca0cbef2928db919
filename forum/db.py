"""Database plumbing: naming convention, mixins, SQLite pragmas and the after-commit job hook."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_JOBS_KEY = "kindred_after_commit_jobs"


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back as aware UTC.

    SQLite has no time zones; storing naive UTC on both databases keeps comparisons and
    keyset cursors identical on SQLite and PostgreSQL.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; use forum.db.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class CreatedAtMixin:
    """A `created_at` column set when the row is inserted."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers and one writer proceed together; foreign keys are off by default."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def enqueue_after_commit(func: Callable[..., Any] | str, *args: Any, job_id: str) -> None:
    """Schedule a background job to be enqueued once the current transaction commits.

    A worker therefore never looks for a row that does not exist yet, and a rolled-back
    transaction enqueues nothing. `job_id` is deterministic so that duplicates collapse.
    `func` may be a dotted path, for a domain that must not import the job's module.
    """
    from forum.extensions import db

    pending = db.session.info.setdefault(_JOBS_KEY, {})
    pending[job_id] = (func, args)


@event.listens_for(Session, "after_commit")
def _enqueue_pending_jobs(session: Session) -> None:
    pending = session.info.pop(_JOBS_KEY, None)
    if not pending:
        return
    jobs = current_app.extensions["kindred_jobs"]
    for job_id, (func, args) in pending.items():
        jobs.enqueue(func, *args, job_id=job_id)


@event.listens_for(Session, "after_rollback")
def _drop_pending_jobs(session: Session) -> None:
    session.info.pop(_JOBS_KEY, None)
