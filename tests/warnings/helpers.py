"""Helpers for the content-warning and mute tests: a small board, members, and the parts of
a thread page a reader sees (each post's article, and what its <details> folds away)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.posts.models import Post, Thread
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


@dataclass
class Scene:
    board: Board
    author: User
    reader: User
    facilitator: User
    thread: Thread  # started by `author`
    opening: Post


def build_scene() -> Scene:
    """A board with a facilitator, a thread by `author` and a `reader` (committed)."""
    board = BoardFactory(slug="evenings", name="Evenings")
    author, reader, facilitator = UserFactory(), UserFactory(), UserFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()
    thread = make_thread(board, author, "Getting through the evenings", "How do you all cope?")
    return Scene(board, author, reader, facilitator, thread, first_post(thread))


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def reply(thread: Thread, author: User, body: str) -> Post:
    return make_reply(thread, author, body)


def fresh_post(post_id: int) -> Post:
    """The post as the requests left it (the test's session forgets what it cached)."""
    db.session.rollback()
    post = db.session.get(Post, post_id)
    assert post is not None
    return post


def newest_post() -> Post:
    db.session.rollback()
    return db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))


def article(page: str, post_id: int) -> str:
    """The HTML of one post on a thread page ("" when it is not shown)."""
    match = re.search(rf'<article [^>]*id="p{post_id}".*?</article>', page, re.S)
    return match.group(0) if match else ""


@dataclass(frozen=True)
class Folded:
    css: str  # the class attribute of the <details>
    summary: str  # its summary as a reader reads it (tags dropped, entities decoded)
    inside: str  # the HTML inside the <details>, after the summary


def folded(article_html: str) -> Folded | None:
    """What the post's <details> folds away, or None when the post is shown open."""
    match = re.search(
        r'<details class="(content-warning[^"]*)">\s*<summary>(.*?)</summary>(.*?)</details>',
        article_html, re.S,
    )  # fmt: skip
    if match is None:
        return None
    summary = " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).split())
    return Folded(match.group(1), summary, match.group(3))


def send(client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None) -> Any:
    """POST a form as a browser would (lists become repeated fields, e.g. checkboxes)."""
    return post_form(client, url, data, page=page)


def send_reply(client: FlaskClient, scene: Scene, **fields: Any) -> Any:
    """Reply to the scene's thread from its page, as a browser would."""
    page = f"/t/{scene.thread.id}"
    return send(client, f"{page}/reply", fields, page=page)


def checked_values(page: str, name: str) -> list[str]:
    """The values of the ticked checkboxes called `name`."""
    found = []
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and 'type="checkbox"' in tag and "checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            assert value
            found.append(html.unescape(value.group(1)))
    return found


def input_value(page: str, name: str) -> str:
    """The value a text input called `name` holds."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def field_errors(page: str) -> list[str]:
    return [
        html.unescape(error)
        for block in re.findall(r'<ul class="field-errors"[^>]*>(.*?)</ul>', page, re.S)
        for error in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]
