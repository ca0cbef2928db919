"""Helpers for the reactions tests: a small community, reacting the way a browser does,
and reading reaction buttons and counts off a thread page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.notifications.models import Notification
from forum.posts.models import Post, Thread
from forum.reactions.models import Reaction
from tests.conftest import csrf_from
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import logged_in

__all__ = ["logged_in"]

JSON = {"Accept": "application/json"}


@dataclass
class Room:
    """A board, a thread Ash started, and a reply by Birch; Cedar and Dale read along."""

    board: Board
    ash: User
    birch: User
    cedar: User
    dale: User
    thread: Thread
    opening: Post
    reply: Post


def make_room(**board_fields: Any) -> Room:
    board = BoardFactory(**board_fields)
    ash, birch, cedar, dale = (UserFactory(pseudonym=n) for n in ("Ash", "Birch", "Cedar", "Dale"))
    thread = make_thread(board, ash, title="Hard week", body="It has been a hard week.")
    reply = make_reply(thread, birch, "I know that feeling.")
    return Room(board, ash, birch, cedar, dale, thread, opening_of(thread), reply)


def opening_of(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def fresh() -> None:
    """Forget what the test's session cached, so reads see what requests wrote."""
    db.session.rollback()


def react(client: FlaskClient, post_id: int, kind: str, *, as_json: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
    """Press a reaction button: the form POST, with the session's CSRF token."""
    data = {"csrf_token": csrf_from(client), "kind": kind}
    headers = {**JSON} if as_json else {}
    if as_json:
        headers["X-CSRFToken"] = data["csrf_token"]
    return client.post(f"/p/{post_id}/react", data=data, headers=headers, **kwargs)


def reactions_of(post_id: int) -> list[tuple[int, str]]:
    """(member id, kind) of every reaction to the post, read afresh."""
    fresh()
    rows = db.session.execute(
        select(Reaction.user_id, Reaction.kind).where(Reaction.post_id == post_id)
    )
    return sorted((user_id, kind) for user_id, kind in rows)


def reaction_count() -> int:
    fresh()
    return db.session.scalar(select(func.count()).select_from(Reaction)) or 0


def reaction_notes(user_id: int) -> list[Notification]:
    """The member's reaction notifications, oldest first."""
    fresh()
    query = select(Notification).where(
        Notification.user_id == user_id, Notification.kind == "reaction"
    )
    return list(db.session.scalars(query.order_by(Notification.id)))


def thread_page(client: FlaskClient, thread_id: int) -> str:
    response = client.get(f"/t/{thread_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def card(page: str, post_id: int) -> str:
    """The HTML of one post card ("" when it is not on the page)."""
    match = re.search(rf'<article [^>]*id="p{post_id}".*?</article>', page, re.S)
    return match.group(0) if match else ""


BUTTON = re.compile(
    r'<button type="submit" class="reaction" name="kind" value="(\w+)" '
    r'aria-pressed="(true|false)">[^<]*<span class="reaction-count">(\d*)</span>'
)


def buttons(page: str, post_id: int) -> dict[str, tuple[bool, int]]:
    """kind -> (pressed, count) of the reaction buttons on a post's card."""
    return {
        kind: (pressed == "true", int(count or 0))
        for kind, pressed, count in BUTTON.findall(card(page, post_id))
    }


def tallies(page: str, post_id: int) -> str:
    """The text of a post's read-only reaction counts (own posts, locked threads...)."""
    match = re.search(r'<p class="reactions reaction-tallies">(.*?)</p>', card(page, post_id), re.S)
    if not match:
        return ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def browser(app: Flask, user: User) -> FlaskClient:
    return logged_in(app, user)
