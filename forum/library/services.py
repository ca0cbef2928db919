"""What helped: facilitators suggest posts, authors consent, each board lists what they accepted.

An entry is shown only while it is accepted and its post is visible, not withdrawn, in a
thread that is not hidden, on the board being listed (checked at query time, so hiding or
withdrawing a post takes it off the list at once). Anonymous posts are credited to their
per-thread alias; the query never even loads the pseudonym of their author. Their authors
are asked and told through sealed notices, and recognised by `wrote`, never by a column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import is_facilitator
from forum.extensions import db
from forum.library.models import LibraryEntry
from forum.moderation.log import append_log
from forum.notifications.services import notify_author
from forum.posts.authorship import author_id_of, wrote
from forum.posts.models import MAX_ID, Post, Thread
from forum.security.sanitize import plain_text

PAGE_SIZE = 30
EXCERPT_MAX = 280
CONSENT_KIND = "library_consent"
_ALREADY = {
    "nominated": "This post is already suggested; its author has been asked.",
    "accepted": "This post is already in What helped.",
    "declined": "The author chose not to add this post to What helped.",
}


class LibraryRefused(ValueError):
    """The suggestion or answer does not apply; the message says why, in plain words."""


class NotAllowed(PermissionError):
    """Only the board's facilitators (and admins) suggest and remove entries."""


class EntryNotFound(LookupError):
    """No such entry, or not one of the member's own posts (the two look the same)."""


@dataclass(frozen=True)
class Shown:
    """One entry as a library page shows it."""

    entry_id: int
    post_id: int
    thread_title: str
    credit: str
    excerpt: str
    mine: bool


def _is_shown(post: Post) -> bool:
    return post.state == "visible" and not post.is_withdrawn and not post.thread.is_hidden


def excerpt_of(post: Post) -> str:
    """The start of the post's text, cut at a word, at most EXCERPT_MAX characters."""
    text = plain_text(post.body_html)
    if len(text) <= EXCERPT_MAX:
        return text
    return text[:EXCERPT_MAX].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def nominate_post(post: Post, facilitator: Any) -> LibraryEntry:
    """Suggest a visible post for its board's library and ask its author for consent."""
    board_id = post.thread.board_id
    if not is_facilitator(facilitator, board_id):
        raise NotAllowed
    if not _is_shown(post):
        raise LibraryRefused("Only a post everyone can see can be suggested.")
    if author_id_of(post) is None:
        raise LibraryRefused("The author's account no longer exists, so they can't be asked.")
    if wrote(facilitator, post):
        raise LibraryRefused("You can't suggest your own post; another facilitator can.")
    existing = db.session.scalar(select(LibraryEntry).where(LibraryEntry.post_id == post.id))
    if existing is not None:
        raise LibraryRefused(_ALREADY[existing.state])
    entry = LibraryEntry(board_id=board_id, post_id=post.id, nominated_by_id=facilitator.id)
    try:
        with db.session.begin_nested():  # another facilitator may suggest it at the same time
            db.session.add(entry)
    except IntegrityError:
        raise LibraryRefused(_ALREADY["nominated"]) from None
    _ask_author(post, entry)
    # No subject member: a suggestion is not an action on the author (nor names them).
    append_log("library_nominate", actor=facilitator, post_id=post.id,
               details={"board_id": board_id})  # fmt: skip
    return entry


def _ask_author(post: Post, entry: LibraryEntry) -> None:
    """The consent request (sealed for an anonymous post): never says which facilitator asked."""
    notify_author(post, CONSENT_KIND,
                  f"A facilitator thinks your post in “{post.thread.title}” could help others, "
                  f"and would like to add it to What helped on {post.thread.board.name}. It "
                  "appears there only if you say yes.", f"/what-helped/{entry.id}")  # fmt: skip


def entry_for_author(entry_id: int, user: Any) -> LibraryEntry:
    """The entry, if its post is the member's own; else EntryNotFound."""
    if not 0 < entry_id <= MAX_ID or not getattr(user, "is_authenticated", False):
        raise EntryNotFound
    entry = db.session.get(LibraryEntry, entry_id)
    if entry is None or not wrote(user, entry.post):
        raise EntryNotFound
    return entry


def answer_suggestion(entry_id: int, user: Any, accepted: bool) -> LibraryEntry:
    """The author says yes or no; saying no later withdraws consent (the entry is hidden)."""
    entry = entry_for_author(entry_id, user)
    if accepted and not _is_shown(entry.post):
        raise LibraryRefused("This post is no longer shown, so it can't be added.")
    entry.decide(accepted)
    db.session.flush()
    return entry


def remove_entry(entry_id: int, facilitator: Any) -> Board:
    """A facilitator takes an entry out (it may be suggested again later); returns its board."""
    entry = db.session.get(LibraryEntry, entry_id) if 0 < entry_id <= MAX_ID else None
    if entry is None:
        raise EntryNotFound
    post = entry.post
    if not is_facilitator(facilitator, post.thread.board_id):
        raise NotAllowed
    if entry.state == "accepted":  # sealed for an anonymous post; nobody to tell if gone
        notify_author(post, "library_removed",
                      f"A facilitator took your post in “{post.thread.title}” out of What "
                      "helped.", f"/p/{post.id}")  # fmt: skip
    db.session.delete(entry)
    append_log("library_remove", actor=facilitator, post_id=post.id,
               details={"board_id": entry.board_id})  # fmt: skip
    db.session.flush()
    return post.thread.board


def library_page(
    board: Board, viewer: Any, before: int | None = None
) -> tuple[list[Shown], int | None]:
    """One page of the board's accepted entries, newest first, and the cursor of the next.

    One query. The author's pseudonym is joined only for posts that are not anonymous.
    """
    query = (
        select(LibraryEntry.id, Post, Thread.title, User.pseudonym)
        .join(Post, LibraryEntry.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .outerjoin(User, and_(User.id == Post.author_id, Post.is_anonymous.is_(False)))
        .where(LibraryEntry.state == "accepted", Thread.board_id == board.id,
               Post.state == "visible", Post.withdrawn_at.is_(None), Thread.is_hidden.is_(False))
        .order_by(LibraryEntry.id.desc())
        .limit(PAGE_SIZE + 1)
    )  # fmt: skip
    if before is not None:
        query = query.where(LibraryEntry.id < before)
    rows = db.session.execute(query).all()
    shown = [
        Shown(entry_id, post.id, title, _credit(post, pseudonym), excerpt_of(post),
              mine=wrote(viewer, post))
        for entry_id, post, title, pseudonym in rows[:PAGE_SIZE]
    ]  # fmt: skip
    return shown, (shown[-1].entry_id if len(rows) > PAGE_SIZE else None)


def _credit(post: Post, pseudonym: str | None) -> str:
    if post.is_anonymous:
        return post.anon_alias or "Anonymous"
    return pseudonym or "a former member"


def credit_for(post: Post) -> str:
    """Who a library entry credits: the alias of an anonymous post, else the pseudonym."""
    return _credit(
        post, None if post.is_anonymous or post.author is None else post.author.pseudonym
    )


def entries_of(
    user_id: int, limit: int | None = 100
) -> list[tuple[LibraryEntry, Post, str, Board]]:
    """The member's own suggested posts (any state), anonymous ones included, newest first.

    One query: the member's named entries and every entry of an anonymous post, of which
    those the member wrote are kept (`wrote`). Entries are few, anonymous ones fewer.
    """
    rows = db.session.execute(
        select(LibraryEntry, Post, Thread.title, Board)
        .join(Post, LibraryEntry.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .join(Board, Thread.board_id == Board.id)
        .where(or_(Post.author_id == user_id, Post.owner_tag.is_not(None)))
        .order_by(LibraryEntry.id.desc())
    )
    mine = [tuple(row) for row in rows if row[1].author_id == user_id or wrote(user_id, row[1])]
    return mine[:limit] if limit is not None else mine  # type: ignore[return-value]


def forget_author(user_id: int) -> None:
    """Account deletion: the member's consents go with them (entries of their posts)."""
    entry_ids = [entry.id for entry, _, _, _ in entries_of(user_id, limit=None)]
    if entry_ids:
        db.session.execute(
            delete(LibraryEntry)
            .where(LibraryEntry.id.in_(entry_ids))
            .execution_options(synchronize_session=False)
        )


def export_entries(user_id: int) -> list[dict[str, Any]]:
    """The member's library consents, for their data export (never who suggested)."""
    return [
        {
            "post_id": post.id,
            "board": board.slug,
            "state": entry.state,
            "suggested_at": entry.created_at.isoformat(),
            "decided_at": entry.decided_at.isoformat() if entry.decided_at else None,
        }
        for entry, post, _title, board in entries_of(user_id, limit=None)
    ]
