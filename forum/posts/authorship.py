"""Who wrote a post, kept so that no row links an anonymous post to its account.

A named post keeps `author_id`. An anonymous post (and a thread opened anonymously)
keeps no author id; instead:

- `owner_tag`: a keyed digest of (member, thread). It is the same for one member's
  anonymous posts in one thread and different across threads, like the alias. The server
  recomputes it to recognise the author ("(you)", edit, withdraw) and to find a member's
  own anonymous posts for their export or account deletion.
- `sealed_author` (posts only): the member id, encrypted under the server secret, so
  that the author can be told about replies, reactions and moderation outcomes, and
  sanctioned or re-identified, without a lookup table.

Without the server secret, a copy of the database cannot tell who wrote an anonymous
post, nor that two anonymous posts in different threads have the same author.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import select

from forum.extensions import db
from forum.posts.models import Post, Thread
from forum.security.keys import keyed_digest, seal, unseal

TAG_LENGTH = 32  # hex characters: 128 bits of the digest


def owner_tag(user_id: int, thread_id: int) -> str:
    """The tag a member's anonymous posts carry in this thread."""
    return _owner_tag(current_app.config["SECRET_KEY"], user_id, thread_id)


@lru_cache(maxsize=4096)
def _owner_tag(_secret: str, user_id: int, thread_id: int) -> str:
    # The secret is part of the cache key, so a test app with another secret never
    # reads a tag computed under a different one.
    return keyed_digest("owner", user_id, thread_id).hex()[:TAG_LENGTH]


def sign_thread(thread: Thread, user_id: int) -> None:
    """Record who opened the thread: the id if named, the owner tag if anonymous."""
    if thread.is_anonymous:
        thread.author_id, thread.owner_tag = None, owner_tag(user_id, thread.id)
    else:
        thread.author_id, thread.owner_tag = user_id, None


def sign_post(post: Post, user_id: int) -> None:
    """Record who wrote the post: the id if named, tag and sealed id if anonymous."""
    if post.is_anonymous:
        post.author_id = None
        post.owner_tag = owner_tag(user_id, post.thread_id)
        post.sealed_author = seal(str(user_id))
    else:
        post.author_id, post.owner_tag, post.sealed_author = user_id, None, None


def _id_of(user: Any) -> int | None:
    if isinstance(user, int):
        return user
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def wrote(user: Any, post: Post) -> bool:
    """Whether the member (a user, or an id) wrote the post, under either identity."""
    return _owns(user, post.author_id, post.owner_tag, post.thread_id)


def started(user: Any, thread: Thread) -> bool:
    """Whether the member (a user, or an id) opened the thread, under either identity."""
    return _owns(user, thread.author_id, thread.owner_tag, thread.id)


def _owns(user: Any, author_id: int | None, tag: str | None, thread_id: int) -> bool:
    user_id = _id_of(user)
    if user_id is None:
        return False
    if tag is not None:
        return tag == owner_tag(user_id, thread_id)
    return author_id == user_id


def author_id_of(post: Post) -> int | None:
    """The author's account id: server-side only (notices, sanctions, re-identification).

    None for a former member's post. Never put the answer for an anonymous post into a
    page, a log row or any column stored beside the post.
    """
    if post.author_id is not None:
        return post.author_id
    opened = unseal(post.sealed_author)
    return int(opened) if opened and opened.isdigit() else None


def anonymous_post_ids(user_id: int, among: Any = None) -> list[int]:
    """Ids of the member's anonymous posts, found by recomputing their owner tags.

    A scan over anonymous posts (one query, one digest per thread): for export, account
    deletion and the member's own pages, never for other people's pages. `among` (a
    select of post ids) narrows the scan, e.g. to posts the action log mentions.
    """
    return [post_id for post_id, _ in _anonymous_posts(user_id, among)]


def anonymous_threads_started(user_id: int) -> list[int]:
    """Ids of the threads the member opened anonymously."""
    rows = db.session.execute(
        select(Thread.id, Thread.owner_tag).where(Thread.owner_tag.is_not(None))
    )
    return [tid for tid, tag in rows if tag == owner_tag(user_id, tid)]


def _anonymous_posts(user_id: int, among: Any = None) -> Iterator[tuple[int, int]]:
    query = select(Post.id, Post.thread_id, Post.owner_tag).where(Post.owner_tag.is_not(None))
    if among is not None:
        query = query.where(Post.id.in_(among))
    rows = db.session.execute(query.execution_options(yield_per=5000))
    for post_id, thread_id, tag in rows:
        if tag == owner_tag(user_id, thread_id):
            yield post_id, thread_id


def forget_author(post: Post) -> None:
    """Cut the post from its author for good (account deleted, posts kept)."""
    post.author_id = post.owner_tag = post.sealed_author = None
