"""Migration tests run on a SQLite database of their own, never the session's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from forum import create_app
from forum.config import REPO_ROOT
from forum.extensions import db

MIGRATIONS = str(REPO_ROOT / "migrations")


@contextmanager
def scratch_database(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty SQLite file under `tmp_path`, its context pushed; closed after."""
    other = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migration.db'}",
        "SECRET_KEY": "test-secret-key-not-for-production", "REDIS_URL": app.config["REDIS_URL"],
    })  # fmt: skip
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()
