"""Template helpers: trusted HTML, relative dates, cache-busted static URLs."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, url_for
from flask_login import current_user
from markupsafe import Markup

from forum.accounts.forms import ButtonForm
from forum.db import utcnow
from forum.posts import authorship
from forum.security.sanitize import trusted


def init_templating(app: Flask) -> None:
    """Register filters and globals used by every template."""
    app.jinja_env.filters["html"] = _stored_html
    app.jinja_env.filters["ago"] = ago
    app.jinja_env.filters["isodate"] = isodate
    app.jinja_env.globals["asset"] = asset_url
    app.jinja_env.globals["button_form"] = ButtonForm
    app.jinja_env.globals["quick_exit_url"] = lambda: current_app.config["FORUM_QUICK_EXIT_URL"]
    app.jinja_env.globals["header_status"] = header_status
    # Ownership under either identity (an anonymous post has no author id to compare).
    app.jinja_env.globals["wrote"] = authorship.wrote
    app.jinja_env.globals["started"] = authorship.started


def header_status() -> dict[str, Any]:
    """What the header shows: unread notifications, queue counts, the out-of-hours banner.

    A bounded, data-size-independent number of queries: two for members and admins, three
    for facilitators, and a setting cached per process.
    """
    from forum.moderation import hours, queue
    from forum.notifications.services import unread_count

    status: dict[str, Any] = {"unread": 0, "lanes": None, "back_at": None}
    facilitated = hours.current_hours()
    if hours.is_out_of_hours(facilitated):
        status["back_at"] = hours.next_opening(facilitated)
    if current_user.is_authenticated:
        # Paused during a break; counted up to 100 at most, shown as "99+".
        status["unread"] = 0 if current_user.is_on_break() else unread_count(current_user.id)
        boards = queue.reviewable_board_ids(current_user)  # one lookup for both questions
        if boards is None or boards:
            status["lanes"] = queue.lane_counts(current_user, boards)
    return status


def _stored_html(value: str) -> Markup:
    """HTML stored by the sanitiser at write time; the only route to unescaped output."""
    return trusted(value)


def isodate(moment: datetime | None) -> str:
    """A machine-readable time for <time datetime>, rounded down to the minute.

    Exact seconds would let a reader line up an anonymous post with other activity.
    """
    return moment.replace(second=0, microsecond=0).isoformat() if moment else ""


def ago(moment: datetime | None) -> str:
    """A short relative time: "just now", "5 minutes ago", "3 days ago", or a date."""
    if moment is None:
        return "never"
    seconds = int((utcnow() - moment).total_seconds())
    for limit, size, unit in (
        (60, 1, None), (3600, 60, "minute"), (86400, 3600, "hour"), (86400 * 30, 86400, "day")
    ):  # fmt: skip
        if seconds < limit:
            if unit is None:
                return "just now"
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return moment.strftime("%-d %b %Y")


@cache
def _fingerprint(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def asset_version(filename: str) -> str | None:
    """The content hash of a file in static/, or None if there is no such file."""
    path = Path(current_app.static_folder or "") / filename
    try:
        return _fingerprint(path, path.stat().st_mtime)
    except (FileNotFoundError, NotADirectoryError):
        return None


def asset_url(filename: str) -> str:
    """A static URL carrying the file's content hash, so it can be cached for a year."""
    path = Path(current_app.static_folder or "") / filename
    version = _fingerprint(path, path.stat().st_mtime)
    return url_for("static", filename=filename, v=version)
