"""Fixtures for the `flask forum ...` tests: run a command in-process, read the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select

from forum.extensions import db


@pytest.fixture
def cli(runner, ctx) -> Callable[..., Result]:  # type: ignore[no-untyped-def]
    """Run `flask forum ARGS...` through Flask's CLI runner; the test then sees fresh rows."""

    def invoke(*args: str, **kwargs: Any) -> Result:
        result = runner.invoke(args=["forum", *args], **kwargs)
        db.session.rollback()
        db.session.expire_all()
        return result

    return invoke


def ok(result: Result) -> Result:
    """Assert the command succeeded; return its result."""
    assert result.exit_code == 0, result.output
    return result


def refused(result: Result, message: str) -> None:
    """Assert the command failed with exactly one line saying `message`."""
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    assert message in lines[0], result.output


def json_of(result: Result) -> Any:
    """The one JSON document a --json command printed on stdout."""
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def count(model: Any, *where: Any) -> int:
    """How many rows of `model` match."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
