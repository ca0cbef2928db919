"""The member's data export: everything Kindred holds about them, as JSON-ready data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.boards.models import Board, BoardFacilitator
from forum.db import utcnow
from forum.extensions import db
from forum.library.services import export_entries
from forum.moderation.models import ActionLog, Flag, Sanction
from forum.notifications.export import (
    export_following,
    export_notification_settings,
    export_read_marks,
)
from forum.notifications.models import Notification
from forum.posts.authorship import anonymous_post_ids
from forum.posts.models import Post, PostRevision, Thread
from forum.preferences.services import export_mutes
from forum.privacy.services import id_in
from forum.reactions.models import Reaction

EXPORT_FORMAT = "kindred-member-data/1"
# Log entries about an anonymous post that are not about its author: a suggestion for
# What helped, and a re-identification request (the member is told once it is approved).
NOT_ABOUT_THE_AUTHOR = ("library_nominate", "library_remove", "reidentify_request")


def export_member_data(user: User) -> dict[str, Any]:
    """Everything Kindred holds about the member, for "Download my data".

    Included: the account (never the password hash or recovery-code hashes), every post
    with every revision (anonymous ones marked `"anonymous": true`, withdrawn, held and
    hidden ones too), the reports they made, sanctions on them with their appeals, the
    action-log entries about them (without who acted), their notifications, the threads
    and boards they follow, their notification settings and read marks, the reactions
    they sent (post, kind, time), their muted themes and words, their posts suggested for
    What helped and their answers (never who suggested), boards they facilitate, and
    their login sessions and recovery codes (dates only). Anonymous posts carry no author
    id: they are found by their owner tags, and the log entries about them by post id;
    sealed notifications are opened. A fixed number of queries, whatever the number of
    posts.
    """
    return _export(user, tuple(anonymous_post_ids(user.id)))


def _export(user: User, anonymous: tuple[int, ...]) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _iso(utcnow()),
        "account": _account(user),
        "facilitates": _facilitates(user.id),
        "login_sessions": _login_sessions(user.id),
        "recovery_codes": _recovery_codes(user.id),
        "posts": _posts(user.id, anonymous),
        "reports_made": _reports_made(user.id),
        "sanctions": _sanctions(user.id),
        "moderation_log": _log_entries(user.id, anonymous),
        "notifications": _notifications(user.id),
        "following": export_following(user.id),
        "notification_settings": export_notification_settings(user.id),
        "read_marks": export_read_marks(user.id),
        "muted": export_mutes(user.id),
        "what_helped": export_entries(user.id),
        "reactions": _reactions(user.id),
    }


# What an admin's export of a member keeps; anything else (notifications, and whatever
# later features add) could mention an anonymous post, so it is left out.
ADMIN_EXPORT_KEYS = (
    "format", "exported_at", "account", "facilitates", "login_sessions", "recovery_codes",
    "posts", "reports_made", "sanctions", "moderation_log",
)  # fmt: skip


def export_member_data_for_admin(user: User) -> dict[str, Any]:
    """The member's data as an admin exports it for them (`flask forum export-user`).

    Nothing anonymous: anonymous posts and the log entries about them are left out, with
    every section that could mention them. Sanctions stay: they are on the account (admins
    see them with `user show`) and name no post. Otherwise the admin would learn
    who wrote them, which takes two admins and a logged reason (re-identification). The
    member downloads everything themselves from their settings page.
    """
    found = tuple(anonymous_post_ids(user.id))
    data, anonymous = _export(user, found), set(found)
    kept = {key: data[key] for key in ADMIN_EXPORT_KEYS}
    kept["posts"] = [post for post in data["posts"] if not post["anonymous"]]
    kept["moderation_log"] = [
        entry
        for entry in data["moderation_log"]
        if entry["post_id"] not in anonymous and not entry["action"].startswith("reidentify")
    ]
    kept["left_out"] = sorted(set(data) - set(ADMIN_EXPORT_KEYS)) + ["anonymous posts"]
    return kept


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _account(user: User) -> dict[str, Any]:
    return {
        "pseudonym": user.pseudonym,
        "role": user.role,
        "created_at": _iso(user.created_at),
        "guidelines_accepted_at": _iso(user.guidelines_accepted_at),
        "password_changed_at": _iso(user.password_changed_at),
        "pseudonym_changed_at": _iso(user.pseudonym_changed_at),
        "break_until": _iso(user.break_until),
        "muted_until": _iso(user.muted_until),
        "suspended_until": _iso(user.suspended_until),
    }


def _facilitates(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Board.slug, Board.name, BoardFacilitator.created_at)
        .join(BoardFacilitator, BoardFacilitator.board_id == Board.id)
        .where(BoardFacilitator.user_id == user_id)
        .order_by(Board.slug)
    )
    return [{"board": slug, "name": name, "since": _iso(since)} for slug, name, since in rows]


def _login_sessions(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(LoginSession.created_at, LoginSession.expires_at)
        .where(LoginSession.user_id == user_id)
        .order_by(LoginSession.id)
    )
    return [{"created_at": _iso(made), "expires_at": _iso(ends)} for made, ends in rows]


def _recovery_codes(user_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(RecoveryCode.created_at, RecoveryCode.used_at)
        .where(RecoveryCode.user_id == user_id)
        .order_by(RecoveryCode.id)
    )
    return [{"created_at": _iso(made), "used_at": _iso(used)} for made, used in rows]


def _theirs(user_id: int, anonymous: tuple[int, ...]) -> ColumnElement[bool]:
    return or_(Post.author_id == user_id, id_in(Post.id, anonymous))


def _posts(user_id: int, anonymous: tuple[int, ...]) -> list[dict[str, Any]]:
    revisions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for revision in db.session.scalars(
        select(PostRevision)
        .join(Post, PostRevision.post_id == Post.id)
        .where(_theirs(user_id, anonymous))
        .order_by(PostRevision.post_id, PostRevision.number)
    ):
        revisions[revision.post_id].append(
            {
                "number": revision.number,
                "created_at": _iso(revision.created_at),
                "title": revision.title,
                "body": revision.body_source,
            }
        )
    rows = db.session.execute(
        select(Post, Thread.title, Board.slug, Thread.reply_intent)
        .join(Thread, Post.thread_id == Thread.id)
        .join(Board, Thread.board_id == Board.id)
        .where(_theirs(user_id, anonymous))
        .order_by(Post.created_at, Post.id)
    )
    return [
        {
            "id": post.id,
            "board": board,
            "thread_id": post.thread_id,
            "thread_title": title,
            "reply_intent": intent if post.number == 1 else None,
            "number": post.number,
            "opens_thread": post.number == 1,
            "anonymous": post.is_anonymous,
            "alias": post.anon_alias,
            "created_at": _iso(post.created_at),
            "edited_at": _iso(post.edited_at),
            "withdrawn_at": _iso(post.withdrawn_at),
            "state": post.state,
            "hidden_reason": post.hidden_reason,
            "content_warning": post.content_warning,
            "content_warning_themes": post.warning_keys,
            "body": post.body_source,
            "revisions": revisions.get(post.id, []),
        }
        for post, title, board, intent in rows
    ]


def _about_posts(model, owner, field: str, user_id: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The member's rows about posts (reports, reactions), oldest first: post, `field`, when."""
    rows = db.session.execute(
        select(model.post_id, getattr(model, field), model.created_at)
        .where(owner == user_id)
        .order_by(model.created_at, model.id)
    )
    return [
        {"post_id": post_id, field: value, "created_at": _iso(made)}
        for post_id, value, made in rows
    ]


def _reports_made(user_id: int) -> list[dict[str, Any]]:
    return _about_posts(Flag, Flag.reporter_id, "reason", user_id)


def _sanctions(user_id: int) -> list[dict[str, Any]]:
    """Sanctions on the member, with their appeal; never who imposed them."""
    sanctions = db.session.scalars(
        select(Sanction).where(Sanction.user_id == user_id).order_by(Sanction.id)
    )
    return [
        {
            "kind": s.kind,
            "reason": s.reason,
            "created_at": _iso(s.created_at),
            "expires_at": _iso(s.expires_at),
            "lifted_at": _iso(s.lifted_at),
            "appeal": None
            if s.appealed_at is None
            else {
                "text": s.appeal_text,
                "appealed_at": _iso(s.appealed_at),
                "outcome": s.appeal_outcome,
            },
        }
        for s in sanctions
    ]


def _log_entries(user_id: int, anonymous: Collection[int]) -> list[dict[str, Any]]:
    """Every action-log entry about the member or their anonymous posts: what, why, when;
    never who acted."""
    about_anonymous = and_(
        id_in(ActionLog.post_id, tuple(anonymous)), ActionLog.action.not_in(NOT_ABOUT_THE_AUTHOR)
    )
    rows = db.session.execute(
        select(ActionLog.action, ActionLog.reason, ActionLog.created_at, ActionLog.post_id)
        .where(or_(ActionLog.subject_user_id == user_id, about_anonymous))
        .order_by(ActionLog.id)
    )
    return [
        {"action": action, "reason": reason, "created_at": _iso(made), "post_id": post_id}
        for action, reason, made, post_id in rows
    ]


def _notifications(user_id: int) -> list[dict[str, Any]]:
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    )
    return [
        {
            "kind": n.kind,
            "text": n.shown_text,
            "link": n.shown_link,
            "created_at": _iso(n.created_at),
            "read_at": _iso(n.read_at),
        }
        for n in notes
    ]


def _reactions(user_id: int) -> list[dict[str, Any]]:
    """The reactions the member sent; never who reacted to the member's own posts."""
    return _about_posts(Reaction, Reaction.user_id, "kind", user_id)
