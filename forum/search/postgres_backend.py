"""PostgreSQL: generated tsvector columns with GIN indexes, ranked by ts_rank.

`post.search_vector` (the body) and `thread.title_vector` (the title) are stored
generated columns (see migration 0006_search): PostgreSQL recomputes them on every write,
so they cannot drift from the text. They are not mapped on the models (SQLite has no
such type), hence the literal columns here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select, union

from forum.posts.models import Post, Thread
from forum.search.highlight import END, START, TAG_GUARD
from forum.search.scope import Scope

SEARCH_VECTOR = literal_column("post.search_vector")
TITLE_VECTOR = literal_column("thread.title_vector")
CONFIG = literal_column("'english'::regconfig")
TITLE_WEIGHT = 2.0
# No length normalisation: ts_rank already gives each further match less weight, and
# dividing by length would make a two-word post outrank one that is about the subject.
RANK_NORMALISATION = 0
_MARKERS = f'StartSel="{START}", StopSel="{END}"'
SNIPPET_OPTIONS = f'{_MARKERS}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
TITLE_OPTIONS = f"{_MARKERS}, HighlightAll=true"


def _tsquery(terms: Sequence[str]) -> ColumnElement[object]:
    """Plain words, all required: plainto_tsquery reads no operators at all."""
    return func.plainto_tsquery(CONFIG, " ".join(terms))


def ranked_ids(terms: Sequence[str], scope: Scope, cap: int) -> Select[tuple[int]]:
    """Post ids, best first (newest on ties), among the newest `cap` matches of each kind.

    Each kind is found through its GIN index and capped before ranking, so a common word
    never makes PostgreSQL rank every post that contains it.
    """
    query, conditions = _tsquery(terms), scope.conditions()
    body = (
        select(Post.id.label("id"))
        .join(Thread, Thread.id == Post.thread_id)
        .where(SEARCH_VECTOR.op("@@")(query), *conditions)
        .order_by(Post.id.desc())
        .limit(cap)
        .cte("body_hits")
    )
    title = (
        select(Post.id.label("id"))
        .select_from(Thread)
        .join(Post, (Post.thread_id == Thread.id) & (Post.number == 1))
        .where(TITLE_VECTOR.op("@@")(query), *conditions)
        .order_by(Thread.id.desc())
        .limit(cap)
        .cte("title_hits")
    )
    hits = union(select(body.c.id), select(title.c.id)).subquery("hits")
    title_rank = func.ts_rank(TITLE_VECTOR, query, RANK_NORMALISATION) * TITLE_WEIGHT
    score = func.ts_rank(SEARCH_VECTOR, query, RANK_NORMALISATION) + case(
        (Post.number == 1, title_rank), else_=0.0
    )
    return (
        select(Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.id.in_(select(hits.c.id)))
        .order_by(score.desc(), Post.id.desc())
    )


def _headline(text: ColumnElement[str], terms: Sequence[str], options: str) -> ColumnElement[str]:
    guarded = func.replace(text, "<", TAG_GUARD)
    return func.ts_headline(CONFIG, guarded, _tsquery(terms), options)


def marked_title(terms: Sequence[str]) -> ColumnElement[str | None]:
    """The thread title with its matches marked (needs `thread` in the query)."""
    return _headline(Thread.title, terms, TITLE_OPTIONS)


def marked_snippet(terms: Sequence[str]) -> ColumnElement[str | None]:
    """A few words of the body around its matches, marked (the start when none match)."""
    return _headline(Post.body_source, terms, SNIPPET_OPTIONS)
