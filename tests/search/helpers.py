"""Helpers for the search tests: posts written and moderated the way the product does it,
searches through the service and through the page, and reading the results page."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.moderation import actions, reports
from forum.moderation.models import ReviewItem
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from forum.search import services as search
from tests.conftest import login
from tests.factories import UserFactory

RESULT_LINK = re.compile(r'<a class="thread-title" href="/p/(\d+)">')


def start(board: Board, author: User, title: str, body: str, **options: Any) -> Thread:
    """Start a thread through the posts service and commit it."""
    thread = posts.create_thread(board, author, title, body, **options)
    db.session.commit()
    return thread


def reply(thread: Thread, author: User, body: str, **options: Any) -> Post:
    """Reply through the posts service and commit it."""
    post = posts.create_reply(thread, author, body, **options)
    db.session.commit()
    return post


def opening(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def found(viewer: User, query: str, **options: Any) -> list[int]:
    """The ids of the posts a search through the service finds, best first (first page)."""
    return [hit.post.id for hit in search.search(viewer, query, **options).hits]


def moderate(post: Post, action: str, *args: Any) -> None:
    """Report the post and have an admin take `action` on its review item, then commit.

    `action` is a function name of forum.moderation.actions (hide, restore, redact, ...);
    `args` follow the item, actor and version, as on the review page.
    """
    facilitator = UserFactory(is_admin=True)
    reporter = UserFactory()
    flag = reports.report_post(post, reporter, "guidelines")
    db.session.commit()
    item = db.session.get(ReviewItem, flag.review_item_id)
    getattr(actions, action)(item, facilitator, item.version, *args)
    db.session.commit()


def searcher(app: Flask, user: User) -> FlaskClient:
    """A fresh browser logged in as `user`."""
    client = app.test_client()
    assert login(client, user.pseudonym).status_code == 302, "login failed"
    return client


def result_ids(page: str) -> list[int]:
    """The post ids the results page links to, in order."""
    return [int(found) for found in RESULT_LINK.findall(page)]


def results_section(page: str) -> str:
    match = re.search(r'aria-labelledby="results-heading">(.*?)</section>', page, re.S)
    assert match, "no results section"
    return match.group(1)


def next_link(page: str) -> str | None:
    match = re.search(r'<a rel="next" href="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def sqlite_index_is_consistent() -> bool:
    """FTS5's own check that each index holds exactly what its table holds (it raises if
    not). PostgreSQL's generated columns cannot differ from their text: nothing to check."""
    if not is_sqlite():
        return True
    with db.engine.begin() as conn:
        for table in ("post_fts", "thread_fts"):
            conn.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
    return True


def indexed_terms(post_id: int) -> set[str]:
    """The terms the index holds for a post's body, read from the index itself."""
    with db.engine.connect() as conn:
        if not is_sqlite():
            query = text("SELECT tsvector_to_array(search_vector) FROM post WHERE id = :id")
            return set(conn.scalar(query, {"id": post_id}) or [])
        conn.execute(
            text("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, post_fts, instance)")
        )
        try:
            query = text("SELECT DISTINCT term FROM temp.terms WHERE doc = :id")
            return set(conn.scalars(query, {"id": post_id}))
        finally:
            conn.execute(text("DROP TABLE temp.terms"))


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"
