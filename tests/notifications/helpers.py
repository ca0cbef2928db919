"""Helpers for the notification tests: a small forum, reading notifications afresh, pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.notifications.models import BoardFollow, Notification, ThreadFollow, ThreadRead
from forum.notifications.services import notice_key
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from tests.conftest import login
from tests.factories import BoardFactory, UserFactory

UNREAD_BADGE = re.compile(r'class="badge unread-badge">([\d+]+)<')
NEW_BADGE = re.compile(r'<(?:a|span) class="badge new-badge"[^>]*>(.*?)</(?:a|span)>', re.S)


@dataclass
class Forum:
    """A board and four members: `ash` starts threads, `birch` and `cedar` reply, `dale` reads."""

    board: Board
    ash: User
    birch: User
    cedar: User
    dale: User


def make_forum(**board_fields: object) -> Forum:
    """Committed: one board and four members with friendly pseudonyms."""
    board = BoardFactory(name="Evenings", **board_fields)
    ash, birch, cedar, dale = (UserFactory(pseudonym=n) for n in ("Ash", "Birch", "Cedar", "Dale"))
    return Forum(board, ash, birch, cedar, dale)


def start(board: Board, author: User, title: str = "Long evenings", body: str = "Hello.",
          **options: object) -> Thread:  # fmt: skip
    """Start a thread through the posts service and commit."""
    thread = posts.create_thread(board, author, title, body, **options)  # type: ignore[arg-type]
    db.session.commit()
    return thread


def answer(thread: Thread, author: User, body: str = "A reply.", **options: object) -> Post:
    """Reply through the posts service and commit."""
    post = posts.create_reply(thread, author, body, **options)  # type: ignore[arg-type]
    db.session.commit()
    return post


def fresh() -> None:
    """Forget what the session holds so the next read sees what requests committed."""
    db.session.rollback()
    db.session.expire_all()


def notes_of(user: User) -> list[Notification]:
    """The member's notifications, oldest first, read afresh."""
    fresh()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))


def kinds_of(user: User, post: Post | None = None) -> list[str]:
    """The kinds of the member's notifications (about `post` only, if given; a sealed
    notice is about the post its keyed digest names)."""
    return [n.kind for n in notes_of(user) if post is None or is_about(n, user, post)]


def is_about(note: Notification, user: User, post: Post) -> bool:
    """Whether the notification is about the post, plain or sealed."""
    if note.sealed:
        return note.seal_key == notice_key(user.id, post.id, note.kind)
    return note.post_id == post.id


def follows_thread(user: User, thread: Thread) -> bool:
    fresh()
    return db.session.get(ThreadFollow, (user.id, thread.id)) is not None


def follows_board(user: User, board: Board) -> bool:
    fresh()
    return db.session.get(BoardFollow, (user.id, board.id)) is not None


def read_mark(user: User, thread: Thread) -> int | None:
    fresh()
    row = db.session.get(ThreadRead, (user.id, thread.id))
    return None if row is None else row.last_read_number


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A fresh test client logged in as `user`."""
    client = app.test_client()
    assert login(client, user.pseudonym).status_code == 302, "login failed"
    return client


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def main_of(page: str) -> str:
    """The page's <main>, without the header."""
    match = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
    assert match, "no <main>"
    return match.group(1)


def words(page: str) -> str:
    """The visible-ish text of a page fragment: tags dropped, entities decoded, spaces joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def unread_badge(page: str) -> str | None:
    """The header's unread count as shown ("3", "99+"), or None when there is no badge."""
    match = UNREAD_BADGE.search(page)
    return match.group(1) if match else None


def thread_row(page: str, thread: Thread) -> str:
    """The board listing's <li> for the thread."""
    start = rf'<li class="thread-row[^"]*">\s*<a class="thread-title" href="/t/{thread.id}">'
    match = re.search(start + r".*?</li>", page, re.S)
    assert match, f"thread {thread.id} is not listed"
    return match.group(0)


def new_badge(fragment: str) -> str | None:
    """The words of the "new" badge in a fragment (hidden text included), or None."""
    match = NEW_BADGE.search(fragment)
    return words(match.group(1)) if match else None
