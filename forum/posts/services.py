"""Thread and post rules: writing, editing, withdrawing, listing and board counters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import defer, joinedload

from forum import events
from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import is_facilitator, schedule_board_recount
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.pipeline import PostBlocked, Precheck, precheck_text, register_revision
from forum.posts import warnings
from forum.posts.anonymity import alias_for, choose_anonymity
from forum.posts.authorship import author_id_of, sign_post, sign_thread, started, wrote
from forum.posts.intent import IntentRefused, clean_intent
from forum.posts.models import MAX_ID, Post, PostRevision, Thread
from forum.security.sanitize import render_markdown
from forum.security.text import TextRefused, normalise_text

TITLE_MIN, TITLE_MAX = 3, 150
BODY_MIN, BODY_MAX = 1, 20_000


class PostRejected(ValueError):
    """A title or body breaks a rule. `field` names the form field to attach it to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ThreadLocked(Exception):
    """The thread is locked: nobody can reply."""


def clean_title(raw: str) -> str:
    """Normalise a thread title or raise PostRejected."""
    try:
        title = " ".join(normalise_text(raw, multiline=False).split())
    except TextRefused as error:
        raise PostRejected("title", str(error)) from None
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise PostRejected("title", f"A title is {TITLE_MIN} to {TITLE_MAX} characters long.")
    return title


def clean_body(raw: str) -> str:
    """Normalise a post body or raise PostRejected."""
    try:
        body = normalise_text(raw).strip("\n")
    except TextRefused as error:
        raise PostRejected("body", str(error)) from None
    if not body.strip():
        raise PostRejected("body", "Please write something before posting.")
    if len(body) > BODY_MAX:
        raise PostRejected(
            "body", f"A post is at most {BODY_MAX:,} characters; this one has {len(body):,}."
        )
    return body


def clean_warnings(keys: Sequence[str], custom: str | None) -> tuple[str | None, str | None]:
    """Stored form of chosen content warnings (keys, own words) or raise PostRejected."""
    try:
        chosen = warnings.join_keys(keys)
    except warnings.WarningInvalid as error:
        raise PostRejected("content_warnings", str(error)) from None
    try:
        return chosen, warnings.clean_custom(custom)
    except warnings.WarningInvalid as error:
        raise PostRejected("custom_warning", str(error)) from None


class PersonalInfoFound(Exception):
    """The text seems to hold personal information; the author may edit or confirm."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("personal information")
        self.reasons = reasons


def _screen_at_submit(board: Board, author: User, text: str, confirmed: bool) -> Precheck:
    """The quick pre-check: muted members, blocking rules, personal information."""
    if author.is_muted():
        until = f"{author.muted_until:%-d %B %Y, %H:%M} UTC" if author.muted_until else "later"
        raise PostRejected("body", f"You can read Kindred but can't post until {until}.")
    try:
        precheck = precheck_text(text, board)
    except PostBlocked as error:
        raise PostRejected("body", str(error)) from None
    if precheck.personal_info and not confirmed:
        raise PersonalInfoFound([m.reason for m in precheck.personal_info])
    return precheck


def create_thread(
    board: Board,
    author: User,
    title: str,
    body: str,
    *,
    confirm_personal_info: bool = False,
    anonymous: bool = False,
    content_warnings: Sequence[str] = (),
    custom_warning: str = "",
    reply_intent: str | None = None,
) -> Thread:
    """Start a thread with its first post. `thread.precheck` tells what the pre-check found."""
    title, body = clean_title(title), clean_body(body)
    try:
        intent = clean_intent(reply_intent)
    except IntentRefused as error:
        raise PostRejected("reply_intent", str(error)) from None
    chosen = clean_warnings(content_warnings, custom_warning)
    if board.archived_at is not None:
        raise PostRejected("body", "This board is archived; it does not take new threads.")
    precheck = _screen_at_submit(board, author, f"{title}\n\n{body}", confirm_personal_info)
    now = utcnow()
    anonymous = choose_anonymity(board.anonymous_policy, anonymous)
    thread = Thread(board_id=board.id, title=title, last_post_at=now, is_anonymous=anonymous,
                    reply_intent=intent)  # fmt: skip
    db.session.add(thread)
    db.session.flush()
    sign_thread(thread, author.id)
    thread.first_post = _add_post(thread, author, body, title=title, now=now, anonymous=anonymous)
    thread.first_post.set_content_warnings(*chosen)
    thread.anon_alias = thread.first_post.anon_alias
    thread.precheck = precheck
    events.post_created.send(thread.first_post)
    return thread


def create_reply(
    thread: Thread,
    author: User,
    body: str,
    *,
    confirm_personal_info: bool = False,
    anonymous: bool = False,
    content_warnings: Sequence[str] = (),
    custom_warning: str = "",
) -> Post:
    """Add a reply at the end of the thread. A locked thread refuses any reply, valid or not."""
    if thread.is_locked:
        raise ThreadLocked
    body = clean_body(body)
    chosen = clean_warnings(content_warnings, custom_warning)
    precheck = _screen_at_submit(thread.board, author, body, confirm_personal_info)
    anonymous = choose_anonymity(thread.board.anonymous_policy, anonymous)
    post = _add_post(thread, author, body, title=None, now=utcnow(), anonymous=anonymous,
                     chosen_warnings=chosen)  # fmt: skip
    post.precheck = precheck
    events.post_created.send(post)
    return post


def _add_post(
    thread: Thread,
    author: User,
    body: str,
    *,
    title: str | None,
    now: datetime,
    anonymous: bool,
    chosen_warnings: tuple[str | None, str | None] = (None, None),
) -> Post:
    # One atomic UPDATE numbers the post, so two concurrent replies never share a number.
    number = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now)
        .returning(Thread.post_count)
    ).scalar_one()
    html = render_markdown(body)
    post = Post(
        thread_id=thread.id, number=number, body_source=body, body_html=html, created_at=now,
        thread=thread, is_anonymous=anonymous,
        anon_alias=alias_for(author.id, thread.id) if anonymous else None,
        # Set before the INSERT: setting them after the flush costs a second statement.
        content_warning_keys=chosen_warnings[0], content_warning=chosen_warnings[1],
    )  # fmt: skip
    sign_post(post, author.id)
    author.posts_written = User.posts_written + 1  # one atomic UPDATE at the next flush
    db.session.add(post)
    db.session.flush()
    revision = PostRevision(
        post_id=post.id, number=1, title=title, body_source=body, body_html=html
    )
    db.session.add(revision)
    db.session.flush()
    register_revision(post, revision, thread.board, author)
    schedule_board_recount(thread.board_id)
    return post


def edit_post(
    post: Post,
    body: str,
    title: str | None = None,
    *,
    confirm_personal_info: bool = False,
    content_warnings: Sequence[str] | None = None,
    custom_warning: str | None = None,
) -> Post:
    """Save a new version of the post (and of the thread title, for a first post).

    The new revision is screened again, like a new post. Content warnings, when given,
    replace the post's own (they are not versioned, and need no new revision).
    """
    body = clean_body(body)
    new_title = clean_title(title) if title is not None and post.number == 1 else None
    if content_warnings is not None:
        post.set_content_warnings(*clean_warnings(content_warnings, custom_warning))
    if body == post.body_source and (new_title is None or new_title == post.thread.title):
        return post
    author_id = author_id_of(post)
    author = db.session.get(User, author_id) if author_id is not None else None
    if author is not None:
        text = f"{new_title}\n\n{body}" if new_title else body
        post.precheck = _screen_at_submit(post.thread.board, author, text, confirm_personal_info)
    html = render_markdown(body)
    post.revise(body, html)
    if new_title is not None:
        post.thread.title = new_title
    revision = PostRevision(
        post_id=post.id, number=post.revision, title=new_title, body_source=body, body_html=html
    )
    db.session.add(revision)
    db.session.flush()
    if author is not None:
        register_revision(post, revision, post.thread.board, author)
    return post


def withdraw_post(post: Post) -> None:
    """Withdraw (soft-delete) a post; the thread keeps a "withdrawn by the author" line."""
    post.withdraw()
    db.session.flush()
    schedule_board_recount(post.thread.board_id)


def can_edit(user: Any, post: Post) -> bool:
    """Authors may edit and withdraw their own posts until they withdraw them."""
    return bool(getattr(user, "is_authenticated", False) and wrote(user, post)
                and not post.is_withdrawn)  # fmt: skip


def can_view_revisions(user: Any, post: Post) -> bool:
    """A post's edit history is for its author and the board's facilitators."""
    if not getattr(user, "is_authenticated", False):
        return False
    return wrote(user, post) or is_facilitator(user, post.thread.board_id)


def can_see_post(user: Any, post: Post, moderator: bool) -> bool:
    """Held and hidden posts are for their author and the board's facilitators only."""
    return post.is_visible or moderator or wrote(user, post)


def can_see_thread(user: Any, thread: Thread, moderator: bool) -> bool:
    """A thread whose opening post is held or hidden is shown to its author and facilitators."""
    return not thread.is_hidden or moderator or started(user, thread)


def get_thread(thread_id: int) -> Thread | None:
    """The thread with its board loaded."""
    if not 0 < thread_id <= MAX_ID:
        return None
    return db.session.scalar(
        select(Thread).options(joinedload(Thread.board)).where(Thread.id == thread_id)
    )


def get_post(post_id: int) -> Post | None:
    """The post with its thread and board loaded."""
    if not 0 < post_id <= MAX_ID:
        return None
    return db.session.scalar(
        select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.board))
        .where(Post.id == post_id)
    )


def page_count(thread: Thread, per_page: int) -> int:
    """How many pages the thread has (at least one)."""
    return max(1, -(-thread.post_count // per_page))


def page_of(post: Post, per_page: int) -> int:
    """The thread page on which the post appears. Numbers are dense, so no counting."""
    return (post.number - 1) // per_page + 1


def thread_page(thread: Thread, page: int, per_page: int) -> list[Post]:
    """The posts of one page, authors loaded: one query whatever the thread's length.

    The typed source is left unloaded (the page shows the stored HTML); editing or quoting
    a post still reads it, with one query of its own.
    """
    first = (page - 1) * per_page + 1
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.author), defer(Post.body_source))
            .where(Post.thread_id == thread.id, Post.number.between(first, first + per_page - 1))
            .order_by(Post.number)
        )
    )


def recent_posts_by(user: User, limit: int = 20) -> list[Post]:
    """The member's latest visible posts, for their profile."""
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.thread))
            .join(Thread, Post.thread_id == Thread.id)
            .where(
                Post.author_id == user.id,
                Post.withdrawn_at.is_(None),
                Post.state == "visible",
                Post.is_anonymous.is_(False),
                Thread.is_hidden.is_(False),
            )
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )


def post_revisions(post: Post) -> list[PostRevision]:
    """Every version of the post, newest first."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.number.desc())
        )
    )


def recount_board(board_id: int) -> Board | None:
    """Recompute a board's thread count, post count and last activity from visible rows."""
    board = db.session.get(Board, board_id)
    if board is None:
        return None
    shown = (Thread.board_id == board_id) & Thread.is_hidden.is_(False)
    shown_posts = select(func.count()).select_from(Post).join(Thread, Post.thread_id == Thread.id)
    board.thread_count = db.session.scalar(select(func.count()).select_from(Thread).where(shown))
    board.post_count = db.session.scalar(
        shown_posts.where(shown, Post.withdrawn_at.is_(None), Post.state == "visible")
    )
    board.last_post_at = db.session.scalar(select(func.max(Thread.last_post_at)).where(shown))
    db.session.flush()
    return board
