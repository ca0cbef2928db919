"""Fixtures for the security tests: a small forum to attack, and apps built with other configs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from forum import create_app
from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.posts.models import Post, Thread
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


@dataclass
class World:
    """Two members, a board, a thread by `member` and a reply by `member`."""

    member: User
    other: User
    board: Board
    thread: Thread
    first_post: Post
    reply: Post


@pytest.fixture
def world(ctx: None) -> World:
    member = UserFactory()
    other = UserFactory()
    board = BoardFactory()
    thread = make_thread(board, member, "Finding my feet", "Hello, this is my first post.")
    first_post = db.session.scalar(
        db.select(Post).where(Post.thread_id == thread.id, Post.number == 1)
    )
    reply = make_reply(thread, member, "A reply with my own words.")
    return World(member, other, board, thread, first_post, reply)


@pytest.fixture
def build_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build another app on the test database and Redis, with extra config overrides."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        config = {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "INSTANCE_PATH": app.config["INSTANCE_PATH"],
            "SERVER_NAME": app.config["SERVER_NAME"],
            **overrides,
        }
        other = create_app(config)
        other.test_client_class = app.test_client_class
        built.append(other)
        return other

    yield build
    for other in built:
        _dispose(other)


def _dispose(other: Flask) -> None:
    with other.app_context():
        db.engine.dispose()
    other.extensions["kindred_jobs"].redis.close()
