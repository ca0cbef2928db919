"""The graduated ladder (note, warning, mute, suspension) and the one appeal per sanction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from forum.accounts.models import User
from forum.accounts.services import end_all_login_sessions
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.log import append_log
from forum.moderation.models import ReviewItem, Sanction
from forum.moderation.queue import check_version, item_author_id
from forum.notifications.services import notify
from forum.security.text import normalise_text

LADDER = ("note", "warning", "mute", "suspension")
DEFAULT_DAYS = {"mute": 7, "suspension": 7}
_TOLD = {
    "note": "The facilitators added a note to your account",
    "warning": "The facilitators gave you a warning",
    "mute": "You can read Kindred but not post for now",
    "suspension": "Your account is suspended: you can only see this page and appeal",
}


class SanctionRefused(ValueError):
    """The sanction or appeal is not possible; the message says why."""


def sanction_member(
    actor: Any, item: ReviewItem, version: int, kind: str, reason: str, days: int | None = None
) -> Sanction:
    """Sanction the author of the item's post, with a reason and expiry the member sees.

    For an anonymous post the sanction keeps no review item and its log row names no
    member (only the member reference): neither row ties the member to the post.
    """
    check_version(item, actor, version)
    author_id = item_author_id(item)
    member = db.session.get(User, author_id) if author_id is not None else None
    if member is None:
        raise SanctionRefused("The author's account no longer exists.")
    sanction = _impose(actor, member, kind, reason, days, item)
    item.touch()
    return sanction


def sanction_account(
    actor: Any, member: User, kind: str, reason: str, days: int | None = None
) -> Sanction:
    """Sanction a member directly, with no review item (an admin at the command line)."""
    return _impose(actor, member, kind, reason, days, None)


def _impose(
    actor: Any, member: User, kind: str, reason: str, days: int | None, item: ReviewItem | None
) -> Sanction:
    if kind not in LADDER:
        raise SanctionRefused("Choose note, warning, mute or suspension.")
    reason = normalise_text(reason).strip()
    if not reason:
        raise SanctionRefused("Please give a reason; the member will see it.")
    if days and not 1 <= days <= 3650:
        raise SanctionRefused("A mute or suspension lasts 1 to 3,650 days.")
    days = days or DEFAULT_DAYS.get(kind)
    expires = utcnow() + timedelta(days=days) if days and kind in DEFAULT_DAYS else None
    anonymous = item is not None and item.member_ref is not None
    sanction = Sanction(user_id=member.id, kind=kind, reason=reason, created_by_id=actor.id,
                        review_item_id=item.id if item and not anonymous else None,
                        expires_at=expires)  # fmt: skip
    db.session.add(sanction)
    _restrict(member, kind, expires)
    db.session.flush()
    until = f" until {expires:%-d %B %Y, %H:%M} UTC" if expires else ""
    notify(member.id, f"sanction_{kind}",
           f"{_TOLD[kind]}{until}. The reason: {reason} You can appeal once from your "
           "moderation page.", "/me/moderation")  # fmt: skip
    # About an anonymous post, neither the member's id nor the sanction's (whose row names
    # the member) goes into the log row; the member reference stands in for both.
    details = {"member_ref": item.member_ref} if anonymous else {"sanction_id": sanction.id}
    append_log(f"sanction_{kind}", actor=actor, reason=reason,
               review_item_id=item.id if item else None, post_id=item.post_id if item else None,
               subject_user_id=None if anonymous else member.id,
               details=details | {"days": days})  # fmt: skip
    return sanction


def lift_restriction(actor: Any, member: User, kind: str, reason: str = "") -> int:
    """End the member's active mutes or suspensions now; returns how many were lifted.

    The member is told, and one action-log row records it (even if only the account's
    restriction, set without a sanction row, was cleared).
    """
    if kind not in DEFAULT_DAYS:
        raise SanctionRefused("Only a mute or a suspension can be lifted.")
    now = utcnow()
    active = [s for s in member_sanctions(member) if s.kind == kind and s.is_active(now)]
    restricted = member.is_muted() if kind == "mute" else member.is_suspended()
    if not active and not restricted:
        raise SanctionRefused(f"{member.pseudonym} has no active {kind}.")
    for sanction in active:
        lift(sanction, member)
    if kind == "mute":
        member.muted_until = None
    else:
        member.suspended_until = None
    reason = normalise_text(reason).strip()
    notify(member.id, f"lift_{kind}", f"Your {kind} was lifted. {reason}".strip(),
           "/me/moderation")  # fmt: skip
    append_log(f"lift_{kind}", actor=actor, reason=reason, subject_user_id=member.id,
               details={"sanction_ids": [s.id for s in active]})  # fmt: skip
    db.session.flush()
    return len(active)


def _restrict(member: User, kind: str, expires: Any) -> None:
    if kind == "mute":
        member.muted_until = max(filter(None, [member.muted_until, expires]))
    elif kind == "suspension":
        member.suspended_until = max(filter(None, [member.suspended_until, expires]))
        end_all_login_sessions(member)


def member_sanctions(member: Any) -> list[Sanction]:
    """Every sanction of the member, newest first (for their own moderation page)."""
    return list(db.session.scalars(
        select(Sanction).where(Sanction.user_id == member.id).order_by(Sanction.id.desc())
    ))  # fmt: skip


def appeal_sanction(member: Any, sanction_id: int, text: str) -> Sanction:
    """Send the one appeal a member may make against a sanction; admins are told."""
    sanction = db.session.get(Sanction, sanction_id)
    if sanction is None or sanction.user_id != member.id:
        raise SanctionRefused("There is no such sanction on your account.")
    if sanction.appealed_at is not None:
        raise SanctionRefused("You have already appealed this decision.")
    text = normalise_text(text).strip()
    if not 10 <= len(text) <= 2000:
        raise SanctionRefused("Please explain your appeal in 10 to 2,000 characters.")
    sanction.appeal_text, sanction.appealed_at = text, utcnow()
    sanction.appeal_outcome = "pending"
    for admin_id in db.session.scalars(select(User.id).where(User.is_admin.is_(True))):
        notify(admin_id, "appeal", f"A member appealed a {sanction.kind}.", "/review/appeals")
    append_log("appeal", actor=None, reason="member appealed", subject_user_id=member.id,
               details={"sanction_id": sanction.id})  # fmt: skip
    return sanction


def pending_appeals() -> list[Sanction]:
    """Appeals waiting for an admin's decision, oldest first."""
    return list(db.session.scalars(
        select(Sanction).where(Sanction.appeal_outcome == "pending").order_by(Sanction.appealed_at)
    ))  # fmt: skip


def decide_appeal(admin: Any, sanction_id: int, overturn: bool, reason: str) -> Sanction:
    """An admin upholds or overturns a sanction; overturning lifts it at once."""
    sanction = db.session.get(Sanction, sanction_id)
    if sanction is None or sanction.appeal_outcome != "pending":
        raise SanctionRefused("That appeal is not waiting for a decision.")
    if sanction.created_by_id == admin.id:
        raise SanctionRefused("You made this decision; another admin must hear the appeal.")
    sanction.appeal_outcome = "overturned" if overturn else "upheld"
    member = db.session.get(User, sanction.user_id)
    if overturn:
        lift(sanction, member)
    outcome = "overturned; the sanction is lifted" if overturn else "upheld"
    notify(sanction.user_id, "appeal_outcome",
           f"Your appeal was {outcome}. {reason}".strip(), "/me/moderation")  # fmt: skip
    details = {"sanction_id": sanction.id, "outcome": sanction.appeal_outcome}
    append_log("appeal_decided", actor=admin, reason=reason, subject_user_id=sanction.user_id,
               details=details)  # fmt: skip
    return sanction


def lift(sanction: Sanction, member: User | None) -> None:
    """End a sanction now; its restriction ends with it."""
    sanction.lifted_at = utcnow()
    if member is not None and sanction.kind == "mute":
        member.muted_until = None
    if member is not None and sanction.kind == "suspension":
        member.suspended_until = None
