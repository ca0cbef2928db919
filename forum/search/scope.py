"""What a search may return: the posts every member can read, optionally narrowed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement

from forum.posts.models import Post, Thread


@dataclass(frozen=True)
class Scope:
    """A board to keep to and a pseudonymous author to keep to, both optional."""

    board_id: int | None = None
    author_id: int | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """Visible, not withdrawn, in a thread that is not hidden; then the filters.

        Held and hidden posts are left out even for their authors and facilitators: they
        see them in the thread, and search stays one rule for everyone. Every board is
        readable by every member (archived ones too), so boards need no check. The author
        filter never matches an anonymous post.
        """
        conditions = [
            Post.state == "visible",
            Post.withdrawn_at.is_(None),
            Thread.is_hidden.is_(False),
        ]
        if self.board_id is not None:
            conditions.append(Thread.board_id == self.board_id)
        if self.author_id is not None:
            conditions += [Post.author_id == self.author_id, Post.is_anonymous.is_(False)]
        return conditions
