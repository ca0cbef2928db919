"""Search: read a member's words as plain words, find the posts they may read, mark matches.

One service over two backends (sqlite_backend: FTS5; postgres_backend: tsvector and GIN),
chosen by the database in use. Both keep their index in the database itself (see
forum/search/schema.py). What a member may see is decided at query time (forum/search/
scope.py) from the post, thread and board as they are now: a post hidden, held or withdrawn
a moment ago is gone from the next search, and back when restored, without touching the
index.

A page costs two queries whatever the data size: the ranked ids, then the page's posts
with their threads, boards, authors and highlights.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from forum.accounts.models import User
from forum.accounts.services import find_user
from forum.boards.models import Board
from forum.extensions import db
from forum.posts.models import Post, Thread
from forum.search import postgres_backend, sqlite_backend
from forum.search.highlight import Segment, segments
from forum.search.scope import Scope

PER_PAGE = 20
# Each kind of match (body, title) is ranked among its newest CANDIDATES only, so a common
# word costs what a rare one does; the pages stop there.
CANDIDATES = 300
MAX_PAGES = CANDIDATES // PER_PAGE
QUERY_MAX = 200
TERMS_MAX = 12

# Letters and digits: everything else (quotes, *, -, :, parentheses) separates words.
_WORD = re.compile(r"[^\W_]+")


class SearchInvalid(ValueError):
    """The search cannot run as asked; the message tells the member what to change."""


@dataclass(frozen=True)
class SearchHit:
    """One post found: the post (thread, board and author loaded) and what matched."""

    post: Post
    title: list[Segment]
    snippet: list[Segment]


@dataclass(frozen=True)
class SearchResults:
    """One page of results, best first."""

    hits: list[SearchHit]
    page: int
    has_next: bool


def parse_terms(raw: str) -> list[str]:
    """The words of a search, in order, without repeats. Raises SearchInvalid.

    Member input is never search syntax: only runs of letters and digits are kept.
    """
    text = unicodedata.normalize("NFC", raw or "").strip()
    if not text:
        raise SearchInvalid("Type a word or two to search for.")
    if len(text) > QUERY_MAX:
        raise SearchInvalid(f"A search is at most {QUERY_MAX} characters; try fewer words.")
    terms = list(dict.fromkeys(word.casefold() for word in _WORD.findall(text)))
    if not terms:
        raise SearchInvalid("Search looks for words: please type some letters or numbers.")
    if len(terms) > TERMS_MAX:
        raise SearchInvalid(f"A search uses at most {TERMS_MAX} words; try the key ones.")
    return terms


def searchable_boards() -> list[Board]:
    """The boards a member can search: every board, archived ones too (they stay readable)."""
    return list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))


def search(
    viewer: Any,
    query: str,
    *,
    board: Board | None = None,
    author: str = "",
    page: int = 1,
) -> SearchResults:
    """Posts the viewer may read that hold every word of `query`, in the title or the body.

    `author` limits the search to posts shown under that pseudonym: anonymous posts are
    never among them, and a member on a break shows none to others (as on their profile).
    Raises SearchInvalid.
    """
    terms = parse_terms(query)
    if not 1 <= page <= MAX_PAGES:
        raise SearchInvalid(f"Search shows {MAX_PAGES} pages at most; try more words.")
    author_id = None
    if author.strip():
        member = _named_author(viewer, author)
        if member is None:
            return SearchResults([], page, has_next=False)
        author_id = member.id
    return find_posts(terms, Scope(board.id if board else None, author_id), page)


def _named_author(viewer: Any, pseudonym: str) -> User | None:
    member = find_user(pseudonym.strip())
    if member is None:
        raise SearchInvalid("No member goes by that pseudonym. Check the spelling?")
    if member.is_on_break() and member.id != viewer.id:
        return None
    return member


def find_posts(terms: Sequence[str], scope: Scope, page: int = 1) -> SearchResults:
    """One page of matching posts: the ranked ids, then one batch load with highlights."""
    backend = _backend()
    ranked = backend.ranked_ids(terms, scope, CANDIDATES)
    ids = list(db.session.scalars(ranked.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)))
    has_next = len(ids) > PER_PAGE and page < MAX_PAGES
    return SearchResults(_load(backend, terms, ids[:PER_PAGE]), page, has_next)


def _load(backend: ModuleType, terms: Sequence[str], ids: list[int]) -> list[SearchHit]:
    if not ids:
        return []
    rows = db.session.execute(
        select(Post, backend.marked_title(terms), backend.marked_snippet(terms))
        .join(Thread, Thread.id == Post.thread_id)
        .options(contains_eager(Post.thread).joinedload(Thread.board), joinedload(Post.author))
        .where(Post.id.in_(ids))
    ).all()
    by_id = {
        post.id: SearchHit(
            post, segments(title, post.thread.title), segments(snippet, post.body_source)
        )
        for post, title, snippet in rows
    }
    return [by_id[post_id] for post_id in ids if post_id in by_id]


def _backend() -> ModuleType:
    """The backend for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return postgres_backend if dialect == "postgresql" else sqlite_backend
