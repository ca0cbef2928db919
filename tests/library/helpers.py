"""Helpers for the What helped tests: a board with facilitators, a named and an anonymous
author, their posts, and the library's pages read as each member would."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.library import services as library
from forum.library.models import LibraryEntry
from forum.moderation import actions, reports
from forum.moderation.models import ActionLog, ReviewItem
from forum.notifications.models import Notification
from forum.posts import services as posts
from forum.posts.authorship import author_id_of
from forum.posts.models import Post, Thread
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import logged_in

HELPFUL = "What helped me was a short walk before bed, and writing three small things down."
SECRET_HELP = "Nobody knows this is me, but a night class gave my evenings a shape again."


@dataclass
class Scene:
    board: Board
    other_board: Board
    facilitator: User
    outsider: User  # facilitates `other_board` only
    admin: User
    author: User  # writes under their pseudonym
    anon_author: User  # writes anonymously
    reader: User
    thread: Thread
    post: Post  # the author's named reply
    anon_post: Post  # anon_author's anonymous reply


def build_scene() -> Scene:
    """Everything committed; the thread is started by `reader`."""
    board = BoardFactory(slug="sleep", name="Sleep")
    other_board = BoardFactory(slug="grief", name="Grief")
    facilitator, outsider = UserFactory(pseudonym="SteadyLantern"), UserFactory()
    admin = UserFactory(is_admin=True)
    author = UserFactory(pseudonym="BrightHarbour")
    anon_author = UserFactory(pseudonym="QuietMarigold")
    reader = UserFactory()
    grant_facilitator(facilitator, board)
    grant_facilitator(outsider, other_board)
    db.session.commit()
    thread = make_thread(board, reader, "What helps you sleep?", "I lie awake for hours.")
    post = make_reply(thread, author, HELPFUL)
    anon_post = posts.create_reply(thread, anon_author, SECRET_HELP, anonymous=True)
    db.session.commit()
    return Scene(board, other_board, facilitator, outsider, admin, author, anon_author, reader,
                 thread, post, anon_post)  # fmt: skip


def fresh() -> None:
    db.session.rollback()


def entry_of(post: Post) -> LibraryEntry | None:
    fresh()
    return db.session.scalar(select(LibraryEntry).where(LibraryEntry.post_id == post.id))


def nominate(app: Flask, user: User, post: Post) -> Any:
    """Press "Suggest for What helped" on the thread page, as `user`."""
    client = logged_in(app, user)
    return post_form(client, f"/p/{post.id}/what-helped", {}, page=f"/t/{post.thread_id}")


def nominated(post: Post, facilitator: User) -> LibraryEntry:
    """A suggestion made through the service (committed)."""
    entry = library.nominate_post(db.session.get(Post, post.id), facilitator)
    db.session.commit()
    return entry


def accepted(post: Post, facilitator: User) -> LibraryEntry:
    """A suggestion its author accepted (committed)."""
    entry = nominated(post, facilitator)
    author = db.session.get(User, author_id_of(db.session.get(Post, post.id)))
    library.answer_suggestion(entry.id, author, True)
    db.session.commit()
    return entry


def answer(client: FlaskClient, entry_id: int, value: str) -> Any:
    return post_form(client, f"/what-helped/{entry_id}", {"answer": value})


def hide(post: Post, facilitator: User) -> None:
    """A facilitator hides the post from the review queue (after a report)."""
    item = reports.report_post(db.session.get(Post, post.id), facilitator, "guidelines")
    db.session.commit()
    review = db.session.get(ReviewItem, item.review_item_id)
    actions.hide(review, facilitator, review.version, "Off topic.")
    db.session.commit()


def notes_of(user: User, kind: str | None = None) -> list[Notification]:
    fresh()
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def log_actions() -> list[tuple[str, int | None]]:
    fresh()
    return [(row.action, row.post_id) for row in db.session.scalars(
        select(ActionLog).order_by(ActionLog.id)
    )]  # fmt: skip


def listed_posts(page: str) -> list[int]:
    """The post ids a What helped page links to, in order."""
    entries = re.findall(r'<li class="library-entry">(.*?)</li>', page, re.S)
    return [int(m) for entry in entries for m in re.findall(r'href="/p/(\d+)"', entry)]


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page)]
