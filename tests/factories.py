"""Test data builders: factory_boy for plain rows, service calls for threads and posts."""

from __future__ import annotations

from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory

from forum.accounts.models import User
from forum.boards.models import Board
from forum.db import utcnow
from forum.extensions import db
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from tests.conftest import PASSWORD


@cache
def _password_hash() -> str:
    from forum.accounts.services import hash_password

    return hash_password(PASSWORD)


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    pseudonym = factory.Sequence(lambda n: f"Member{n}")
    pseudonym_key = factory.LazyAttribute(lambda o: o.pseudonym.casefold())
    password_hash = factory.LazyFunction(_password_hash)
    is_admin = False
    guidelines_accepted_at = factory.LazyFunction(utcnow)


class BoardFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Board
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    slug = factory.Sequence(lambda n: f"board-{n}")
    name = factory.Sequence(lambda n: f"Board {n}")
    description = "A board for tests."
    position = factory.Sequence(lambda n: n)


def make_thread(
    board: Board, author: User, title: str = "A thread title", body: str = "First post."
) -> Thread:
    """Start a thread through the posts service and commit it."""
    thread = posts.create_thread(board, author, title, body)
    db.session.commit()
    return thread


def make_reply(thread: Thread, author: User, body: str = "A reply.") -> Post:
    """Reply through the posts service and commit it."""
    post = posts.create_reply(thread, author, body)
    db.session.commit()
    return post
