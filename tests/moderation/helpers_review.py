"""Helpers for the review-queue tests: a small forum with facilitators, review items made
the way the product makes them, and the item page's forms filled in the way a browser would."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text, update

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import grant_facilitator
from forum.db import utcnow
from forum.extensions import db
from forum.moderation import reports
from forum.moderation.models import ActionLog, Flag, ReviewItem
from forum.notifications.models import Notification
from forum.notifications.services import POST_KINDS
from forum.posts.models import Post, Thread
from tests.conftest import login, post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread

# Text the shipped screening rules put in the crisis lane, and abuse they put in the red lane.
CRISIS_TEXT = "I can't go on anymore. Every day is heavier than the last."
ABUSE_TEXT = "Nobody wants you here, you are pathetic."
# Selling medication: the shipped rules hold the post until a facilitator approves it.
HELD_TEXT = "Buy xanax online, discreet delivery to your door."
CALM_TEXT = "Thank you all, today was a little easier."

VERSION_RE = r'<input[^>]*name="{name}"[^>]*>'
QUEUE_LINK = re.compile(r'<a href="/review/(\d+)">#\d+ ')


@dataclass
class Scene:
    """Two boards; an admin; two facilitators of `board`, one of `other_board`; members."""

    board: Board
    other_board: Board
    admin: User
    facilitator: User
    second_facilitator: User
    outsider: User  # facilitates `other_board` only
    author: User
    member: User
    thread: Thread
    opening: Post  # by `member`
    post: Post  # a reply by `author`, the usual subject of review


def build_scene() -> Scene:
    """Create the forum the review tests act on (committed)."""
    board, other_board = BoardFactory(name="Grief and loss"), BoardFactory(name="Sleep")
    admin = UserFactory(is_admin=True)
    facilitator, second, outsider = UserFactory(), UserFactory(), UserFactory()
    author, member = UserFactory(), UserFactory()
    grant_facilitator(facilitator, board)
    grant_facilitator(second, board)
    grant_facilitator(outsider, other_board)
    db.session.commit()
    thread = make_thread(board, member, "Getting through the evenings", "How do you all cope?")
    opening = first_post(thread)
    post = make_reply(thread, author, "Some evenings I just sit with a cup of tea.")
    return Scene(board, other_board, admin, facilitator, second, outsider, author, member,
                 thread, opening, post)  # fmt: skip


def make_facilitator(board: Board, **fields: Any) -> User:
    """A new member who facilitates `board`."""
    user = UserFactory(**fields)
    grant_facilitator(user, board)
    db.session.commit()
    return user


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A fresh browser logged in as `user`."""
    client = app.test_client()
    response = login(client, user.pseudonym)
    assert response.status_code == 302, "login failed"
    return client


def fresh() -> None:
    """Forget what the test's session cached, so the next read sees what requests wrote."""
    db.session.rollback()


# Review items, made the way the product makes them.


def report(post: Post, reporter: User, reason: str = "guidelines", details: str = "") -> ReviewItem:
    """Report `post` through the reports service (as the report page does) and commit."""
    flag = reports.report_post(post, reporter, reason, details)
    db.session.commit()
    return db.session.get(ReviewItem, flag.review_item_id)


def worry(post: Post, reporter: User) -> ReviewItem:
    flag = reports.report_worry(post, reporter)
    db.session.commit()
    return db.session.get(ReviewItem, flag.review_item_id)


def reported_reply(thread: Thread, author: User, reporter: User, reason: str = "guidelines",
                   body: str = CALM_TEXT) -> ReviewItem:  # fmt: skip
    """A new reply by `author`, reported by `reporter`: its open review item."""
    return report(make_reply(thread, author, body), reporter, reason)


def open_item(post: Post) -> ReviewItem | None:
    fresh()
    return db.session.scalar(
        select(ReviewItem).where(ReviewItem.post_id == post.id, ReviewItem.state == "open")
    )


def item_by_id(item_id: int) -> ReviewItem:
    fresh()
    item = db.session.get(ReviewItem, item_id)
    assert item is not None
    return item


def post_by_id(post_id: int) -> Post:
    fresh()
    post = db.session.get(Post, post_id)
    assert post is not None
    return post


def set_created_at(item_id: int, moment: datetime) -> None:
    """Backdate an item (a direct UPDATE: test setup, not a product change)."""
    db.session.execute(update(ReviewItem).where(ReviewItem.id == item_id).values(created_at=moment))
    db.session.commit()


def set_claimed_at(item_id: int, ago: timedelta) -> None:
    db.session.execute(
        update(ReviewItem).where(ReviewItem.id == item_id).values(claimed_at=utcnow() - ago)
    )
    db.session.commit()


# Pages and forms.


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def version_on_page(page: str, action: str) -> str:
    """The value of the hidden "<action>-version" input, as a browser would submit it."""
    match = re.search(VERSION_RE.format(name=re.escape(f"{action}-version")), page)
    assert match, f"no {action} form on the page"
    value = re.search(r'value="([^"]*)"', match.group(0))
    assert value, f"the {action}-version input has no value"
    return html.unescape(value.group(1))


def read_version(client: FlaskClient, item_id: int, action: str) -> str:
    response = client.get(f"/review/{item_id}")
    assert response.status_code == 200, response.status_code
    return version_on_page(text_of(response), action)


def act(client: FlaskClient, item_id: int, action: str, /, *, version: str | None = None,
        **fields: Any) -> Any:  # fmt: skip
    """Send one action form of the item page; `fields` are named without the prefix.

    The version comes from the item page, unless `version` gives the one a page showed earlier.
    """
    item_url = f"/review/{item_id}"
    if version is None:
        version = read_version(client, item_id, action)
    data = {f"{action}-version": version} | {f"{action}-{k}": v for k, v in fields.items()}
    return post_form(client, f"{item_url}/{action}", data, page=item_url)


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page)]


def queue_item_ids(page: str) -> list[int]:
    """The item ids listed in the queue table, in the order shown."""
    return [int(found) for found in QUEUE_LINK.findall(page)]


def queue_row(page: str, item_id: int) -> str:
    """The HTML of one item's row in the queue table."""
    match = re.search(rf'<tr class="lane-row-\w+">(?:(?!</tr>).)*?value="{item_id}".*?</tr>',
                      page, re.S)  # fmt: skip
    assert match, f"item {item_id} is not in the queue"
    return match.group(0)


def header(page: str) -> str:
    return page.split('<main id="main"', 1)[0]


def main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def unread_badge(page: str) -> int:
    """The unread count in the header's badge (0 when there is no badge)."""
    match = re.search(r'class="badge unread-badge">(\d+)<', header(page))
    return int(match.group(1)) if match else 0


# The database, read fresh.


def log_rows(**where: Any) -> list[ActionLog]:
    fresh()
    query = select(ActionLog).order_by(ActionLog.id)
    for name, value in where.items():
        query = query.where(getattr(ActionLog, name) == value)
    return list(db.session.scalars(query))


def log_count() -> int:
    fresh()
    return db.session.scalar(select(func.count()).select_from(ActionLog)) or 0


def notifications_of(user: User) -> list[Notification]:
    """The member's moderation notifications; news of replies, threads and mentions left out."""
    fresh()
    query = select(Notification).where(
        Notification.user_id == user.id, Notification.kind.not_in(POST_KINDS)
    )
    return list(db.session.scalars(query.order_by(Notification.id)))


def flags_of(item_id: int) -> list[Flag]:
    fresh()
    return list(db.session.scalars(select(Flag).where(Flag.review_item_id == item_id)))


def user_by_id(user_id: int) -> User:
    fresh()
    user = db.session.get(User, user_id)
    assert user is not None
    return user


# Real concurrency: two requests that both pass their checks before either one writes.


@contextmanager
def writes_held(item_id: int) -> Iterator[None]:
    """Hold back every write to the review item until the block ends, on a connection of
    its own: requests started inside the block read freely but wait at their first write."""
    fresh()
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # the database's one write lock
        else:
            conn.begin()
            conn.execute(text("SELECT id FROM review_item WHERE id = :id FOR UPDATE"),
                         {"id": item_id})  # fmt: skip
        try:
            yield
        finally:
            conn.rollback()


def wait_for_blocked_writers(count: int, timeout: float = 5.0) -> None:
    """Wait until `count` requests are blocked at their write (PostgreSQL shows them;
    SQLite does not, so give them a moment to get there)."""
    if db.engine.dialect.name == "sqlite":
        time.sleep(1.0)
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            if conn.execute(waiting).scalar_one() >= count:
                return
        time.sleep(0.02)
    raise AssertionError(f"{count} requests never reached their write")


def run_together(*calls: Callable[[], Any], hold: int) -> list[Any]:
    """Run the calls in threads at once while writes to item `hold` are held; their results."""
    results: list[Any] = [None] * len(calls)

    def runner(index: int, call: Callable[[], Any]) -> None:
        results[index] = call()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    with writes_held(hold):
        for thread in threads:
            thread.start()
        wait_for_blocked_writers(len(calls))
    for thread in threads:
        thread.join(timeout=30)
    return results
