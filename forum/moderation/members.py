"""Members as admins see them: roles, restrictions, sanctions and named posts.

Counts and lists here cover posts under the member's pseudonym only: an anonymous post
counted against an account would tie it to its author, which only break-glass
re-identification may do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.boards.models import Board, BoardFacilitator
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.models import Sanction
from forum.posts.anonymity import member_reference
from forum.posts.models import Post

ROLES = ("admin", "facilitator", "member")


@dataclass(frozen=True)
class MemberRow:
    """One line of the member list."""

    user: User
    named_posts: int
    facilitates: list[str]

    @property
    def role(self) -> str:
        if self.user.is_admin:
            return "admin"
        return "facilitator" if self.facilitates else "member"

    def as_dict(self) -> dict[str, Any]:
        user = self.user
        return {
            "pseudonym": user.pseudonym,
            "role": self.role,
            "joined": user.created_at,
            "named_posts": self.named_posts,
            "facilitates": self.facilitates,
            "muted_until": user.muted_until if user.is_muted() else None,
            "suspended_until": user.suspended_until if user.is_suspended() else None,
        }


def list_members(
    role: str | None = None,
    *,
    muted: bool = False,
    suspended: bool = False,
    limit: int | None = 100,
) -> list[MemberRow]:
    """Members by pseudonym, filtered by role or restriction; three queries in all."""
    now = utcnow()
    facilitating = exists().where(BoardFacilitator.user_id == User.id)
    query = select(User).order_by(User.pseudonym_key)
    if role == "admin":
        query = query.where(User.is_admin.is_(True))
    elif role == "facilitator":
        query = query.where(User.is_admin.is_(False), facilitating)
    elif role == "member":
        query = query.where(User.is_admin.is_(False), ~facilitating)
    if muted:
        query = query.where(User.muted_until > now)
    if suspended:
        query = query.where(User.suspended_until > now)
    if limit:
        query = query.limit(limit)
    users = list(db.session.scalars(query))
    ids = [user.id for user in users]
    posts = named_post_counts(ids)
    boards = facilitated_boards(ids)
    return [MemberRow(user, posts.get(user.id, 0), boards.get(user.id, [])) for user in users]


def named_post_counts(user_ids: list[int]) -> dict[int, int]:
    """How many posts each member wrote under their pseudonym (anonymous ones not counted)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Post.author_id, func.count())
        .where(Post.author_id.in_(user_ids), Post.is_anonymous.is_(False))
        .group_by(Post.author_id)
    )
    return {author_id: count for author_id, count in rows}


def facilitated_boards(user_ids: list[int]) -> dict[int, list[str]]:
    """The slugs of the boards each member facilitates."""
    found: dict[int, list[str]] = defaultdict(list)
    if not user_ids:
        return found
    rows = db.session.execute(
        select(BoardFacilitator.user_id, Board.slug)
        .join(Board, BoardFacilitator.board_id == Board.id)
        .where(BoardFacilitator.user_id.in_(user_ids))
        .order_by(Board.position, Board.id)
    )
    for user_id, slug in rows:
        found[user_id].append(slug)
    return found


def member_overview(user: User) -> dict[str, Any]:
    """Everything an admin needs about one member, and nothing about anonymous posts.

    Sanctions are listed without their reasons or review items, which may be about an
    anonymous post; the review queue shows those where they belong.
    """
    row = list_members_by_id([user.id])[0]
    now = utcnow()
    sessions = select(func.count()).select_from(LoginSession)
    codes = select(func.count()).select_from(RecoveryCode)
    sanctions = db.session.scalars(
        select(Sanction).where(Sanction.user_id == user.id).order_by(Sanction.id)
    )
    return row.as_dict() | {
        "guidelines_accepted_at": user.guidelines_accepted_at,
        "password_changed_at": user.password_changed_at,
        "pseudonym_changed_at": user.pseudonym_changed_at,
        "login_sessions": db.session.scalar(
            sessions.where(LoginSession.user_id == user.id, LoginSession.expires_at > now)
        ),
        "recovery_codes_left": db.session.scalar(
            codes.where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ),
        "sanctions": [
            {
                "kind": s.kind,
                "created_at": s.created_at,
                "expires_at": s.expires_at,
                "active": s.is_active(now),
                "appeal": s.appeal_outcome,
            }
            for s in sanctions
        ],
    }


def list_members_by_id(user_ids: list[int]) -> list[MemberRow]:
    """Member rows for these ids, in the order given."""
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    posts, boards = named_post_counts(user_ids), facilitated_boards(user_ids)
    return [MemberRow(users[i], posts.get(i, 0), boards.get(i, [])) for i in user_ids]


def member_for_reference(ref: str) -> User | None:
    """The member an opaque member reference stands for, or None (a former member).

    References are keyed digests, not stored anywhere beside the account, so this
    recomputes every member's: a scan (under 0.1 s for 20,000 members), for sanctioning
    the author of an anonymous post that no longer exists.
    """
    ids = db.session.scalars(select(User.id).order_by(User.id)).all()
    found = next((user_id for user_id in ids if member_reference(user_id) == ref), None)
    return db.session.get(User, found) if found is not None else None
