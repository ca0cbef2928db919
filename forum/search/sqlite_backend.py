"""SQLite: FTS5 tables over post bodies and thread titles, ranked by how often words match.

`post_fts` and `thread_fts` are external-content FTS5 tables (they index the rows of
`post` and `thread` without copying the text), kept in sync by triggers: see migration
0006_search.

Ranking does not use bm25(): its inverse document frequency makes FTS5 read the whole
list of documents holding each word, once per query, so a common word would cost time
in proportion to the forum's size. Instead each capped candidate is scored by how many of
its words matched, with diminishing returns (n / (n + 1)): highlight() marks each match
with one character, so the marked text is longer than the original by the number of
matches. Like PostgreSQL's ts_rank, this reads nothing beyond the row itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, func, literal_column, select, union_all
from sqlalchemy.sql import column, table

from forum.posts.models import Post, Thread
from forum.search.highlight import ELLIPSIS, END, START
from forum.search.scope import Scope

POST_FTS = table("post_fts", column("rowid"))
THREAD_FTS = table("thread_fts", column("rowid"))
# A word in the title counts twice as much as a word in the body.
TITLE_WEIGHT = 2.0
SNIPPET_TOKENS = 28


def match_expression(terms: Sequence[str]) -> str:
    """Every term double-quoted: FTS5 reads each as a plain string, never as syntax.

    Terms hold letters and digits only, so they never contain a quote themselves; the
    quoting is what makes NEAR, AND, column filters and the like ordinary words.
    """
    return " ".join(f'"{term}"' for term in terms)


def _matches(fts: str, terms: Sequence[str]) -> ColumnElement[bool]:
    return literal_column(fts).op("MATCH")(match_expression(terms))


def _score(fts: str, text: ColumnElement[str]) -> ColumnElement[float]:
    """n / (n + 1) for n matches in the text: see the module docstring."""
    marked = func.highlight(literal_column(fts), 0, START, "")
    matches = func.length(marked) - func.length(text)
    return matches * 1.0 / (matches + 1)


def ranked_ids(terms: Sequence[str], scope: Scope, cap: int) -> Select[tuple[int]]:
    """Post ids, best first (newest on ties), among the newest `cap` matches of each kind.

    The newest matches are normally found by walking the index backwards (FTS5 delivers
    rowids in descending order). With an author filter, ordering by the post's own id
    instead lets SQLite walk that member's posts (ix_post_author_id) and look each up in
    the index: a few hundred lookups rather than every match of a common word.
    """
    conditions = scope.conditions()
    by_author = scope.author_id is not None
    newest_post = Post.id.desc() if by_author else POST_FTS.c.rowid.desc()
    newest_opening = Post.id.desc() if by_author else THREAD_FTS.c.rowid.desc()
    body = (
        select(Post.id.label("id"), _score("post_fts", Post.body_source).label("score"))
        .select_from(POST_FTS)
        .join(Post, Post.id == POST_FTS.c.rowid)
        .join(Thread, Thread.id == Post.thread_id)
        .where(_matches("post_fts", terms), *conditions)
        .order_by(newest_post)
        .limit(cap)
        .cte("body_hits")
    )
    title = (
        select(
            Post.id.label("id"),
            (_score("thread_fts", Thread.title) * TITLE_WEIGHT).label("score"),
        )
        .select_from(THREAD_FTS)
        .join(Thread, Thread.id == THREAD_FTS.c.rowid)
        .join(Post, (Post.thread_id == Thread.id) & (Post.number == 1))
        .where(_matches("thread_fts", terms), *conditions)
        .order_by(newest_opening)
        .limit(cap)
        .cte("title_hits")
    )
    hits = union_all(select(body.c.id, body.c.score), select(title.c.id, title.c.score))
    found = hits.subquery("hits")
    return (
        select(found.c.id)
        .group_by(found.c.id)
        .order_by(func.sum(found.c.score).desc(), found.c.id.desc())
    )


def marked_title(terms: Sequence[str]) -> ColumnElement[str | None]:
    """The thread title with its matches marked, or NULL when the title did not match."""
    return (
        select(func.highlight(literal_column("thread_fts"), 0, START, END))
        .select_from(THREAD_FTS)
        .where(_matches("thread_fts", terms), THREAD_FTS.c.rowid == Post.thread_id)
        .scalar_subquery()
    )


def marked_snippet(terms: Sequence[str]) -> ColumnElement[str | None]:
    """A few words of the body around its matches, marked; NULL when the body did not match."""
    return (
        select(func.snippet(literal_column("post_fts"), 0, START, END, ELLIPSIS, SNIPPET_TOKENS))
        .select_from(POST_FTS)
        .where(_matches("post_fts", terms), POST_FTS.c.rowid == Post.id)
        .scalar_subquery()
    )
