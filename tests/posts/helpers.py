"""Helpers for the posts, boards and pages tests: bulk data, logged-in clients, HTML parsing."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.posts import services
from forum.posts.models import Post, Thread
from tests.conftest import login
from tests.factories import BoardFactory, UserFactory

# A fixed moment with a microsecond part, so that cursors must keep microseconds.
BASE_TIME = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)

THREAD_LINK = re.compile(r'class="thread-title" href="/t/(\d+)"')
POST_ARTICLE = re.compile(r'<article class="post[^"]*" id="p(\d+)"')


# Fixtures that several folders share: their conftest.py imports them.


@pytest.fixture
def board(ctx) -> Board:  # type: ignore[no-untyped-def]
    """The Anxiety board, at /b/anxiety."""
    return BoardFactory(slug="anxiety", name="Anxiety")


@pytest.fixture
def ash(ctx) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(pseudonym="Ash")


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A fresh test client logged in as `user`."""
    client = app.test_client()
    response = login(client, user.pseudonym)
    assert response.status_code == 302, "login failed"
    return client


def make_members(count: int) -> list[User]:
    """`count` members added in one commit."""
    members = UserFactory.build_batch(count)
    db.session.add_all(members)
    db.session.commit()
    return members


def build_threads(
    board: Board, authors: list[User], count: int, *, group: int = 1, **flags: bool
) -> list[Thread]:
    """Start `count` threads through the service, with one commit at the end.

    Thread i's last activity is BASE_TIME plus (i // group) minutes, so with `group` > 1
    several threads share a moment and only their id orders them. `flags` (is_pinned,
    is_locked) are set on every thread.
    """
    threads = []
    for i in range(count):
        author = authors[i % len(authors)]
        thread = services.create_thread(board, author, f"Thread number {i}", f"Opening post {i}.")
        thread.last_post_at = BASE_TIME + timedelta(minutes=i // group)
        for name, value in flags.items():
            setattr(thread, name, value)
        threads.append(thread)
    db.session.commit()
    return threads


def build_replies(thread: Thread, authors: list[User], count: int) -> list[Post]:
    """Add `count` replies through the service, with one commit at the end."""
    replies = [
        services.create_reply(thread, authors[i % len(authors)], f"Reply number {i + 2}.")
        for i in range(count)
    ]
    db.session.commit()
    return replies


def by_activity(threads: list[Thread]) -> list[int]:
    """Thread ids in the order a board lists them: latest activity first, then highest id."""
    ordered = sorted(threads, key=lambda t: (t.last_post_at, t.id), reverse=True)
    return [thread.id for thread in ordered]


def section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`, or "" when absent."""
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def listed_thread_ids(page: str, heading_id: str = "threads-heading") -> list[int]:
    return [int(found) for found in THREAD_LINK.findall(section(page, heading_id))]


def link_with_rel(page: str, rel: str) -> str | None:
    """The href of the first link with this rel (pagers use rel=prev / rel=next)."""
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def shown_post_ids(page: str) -> list[int]:
    return [int(found) for found in POST_ARTICLE.findall(page)]


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect every SQL statement the engine runs inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def first_post(thread: Thread) -> Post:
    """The opening post of a thread."""
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def textarea_text(page: str, name: str = "body") -> str:
    """The text a form's textarea holds, as the browser would show it."""
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no {name} textarea"
    return html.unescape(match.group(1)).removeprefix("\r\n").removeprefix("\n")


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def page_of(client: FlaskClient, url: str) -> str:
    """GET `url`, insist on a 200, return the page."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text_of(response)
