"""Member reports, and "I'm worried about this person", which goes to the crisis lane."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from forum.extensions import db
from forum.moderation.models import Flag
from forum.moderation.queue import add_flag, open_item_for
from forum.posts.authorship import wrote
from forum.posts.models import Post
from forum.security.text import normalise_text

# The closed list of reasons: key -> (label, flag category, lane).
REPORT_REASONS: dict[str, tuple[str, str, str]] = {
    "guidelines": ("It breaks the community guidelines", "guidelines", "amber"),
    "personal_info": ("It shares personal information", "personal_info", "amber"),
    "spam": ("It is spam or advertising", "spam", "green"),
    "harassment": ("It is harassment or abuse", "harassment", "red"),
}


class ReportRefused(ValueError):
    """The report cannot be taken; the message says why."""


def _check(post: Post, reporter: Any) -> None:
    if wrote(reporter, post):
        raise ReportRefused("You can't report your own post; you can edit or withdraw it.")
    already = select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == reporter.id)
    if db.session.scalar(already) is not None:
        raise ReportRefused(
            "You have already reported this post. Thank you; a facilitator will look."
        )


def _note(details: str) -> str:
    text = " ".join(normalise_text(details or "", multiline=False).split())[:200]
    return f' (reporter\'s note: "{text}")' if text else ""


def report_post(post: Post, reporter: Any, reason: str, details: str = "") -> Flag:
    """Report a post for one of the closed-list reasons. The author never learns who."""
    if reason not in REPORT_REASONS:
        raise ReportRefused("Please choose one of the reasons.")
    _check(post, reporter)
    label, category, lane = REPORT_REASONS[reason]
    item = open_item_for(post)
    flag = add_flag(item, post, source="report", category=category, lane=lane,
                    reason=f"report: {label.lower()}{_note(details)}",
                    reporter_id=reporter.id)  # fmt: skip
    if flag is None:
        raise ReportRefused("You have already reported this post.")
    return flag


def report_worry(post: Post, reporter: Any, details: str = "") -> Flag:
    """ "I'm worried about this person": a crisis-lane flag so a facilitator reaches out."""
    _check(post, reporter)
    item = open_item_for(post)
    flag = add_flag(item, post, source="report", category="crisis", lane="crisis",
                    reason=f"a member is worried about this person{_note(details)}",
                    reporter_id=reporter.id)  # fmt: skip
    if flag is None:
        raise ReportRefused("You have already told us. Thank you; a facilitator will look.")
    return flag
