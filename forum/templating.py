"""Template helpers: trusted HTML, relative dates, cache-busted static URLs."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
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
    app.jinja_env.globals["post_links"] = post_links
    app.jinja_env.globals["id_url_pattern"] = id_url_pattern


# Stands in for the post id while a link pattern is built; it never appears in a real URL.
_ID_SENTINEL = 1_987_654_321
# Post card links as "%d" patterns: one url_for per endpoint per page, not per post.
_POST_ENDPOINTS = {
    "permalink": "posts.permalink",
    "edit": "posts.edit",
    "withdraw": "posts.confirm_withdraw",
    "revisions": "posts.revisions",
    "report": "moderation.report",
    "worried": "moderation.worried",
    "react": "reactions.toggle",
    "nominate": "library.nominate",
}


def id_url_pattern(endpoint: str, argument: str = "post_id") -> str:
    """The endpoint's URL for any id as a `%d` pattern: `pattern % id` (no url_for per row)."""
    url = url_for(endpoint, **{argument: _ID_SENTINEL}).replace("%", "%%")
    return url.replace(str(_ID_SENTINEL), "%d", 1)


def post_links(posts: list[Any]) -> dict[str, Any]:
    """The links of a page of post cards, built once per page rather than once per post.

    Each post link is a `%d` pattern; `profiles` maps each named author's id to their
    profile URL (one url_for per author, not per post); `csrf_token` is the request's token.
    """
    links: dict[str, Any] = {name: id_url_pattern(ep) for name, ep in _POST_ENDPOINTS.items()}
    links["csrf_token"] = generate_csrf()  # the request's token, looked up once for every form
    profiles: dict[int, str] = {}
    for post in posts:
        if post.author_id is not None and post.author_id not in profiles and post.author:
            profiles[post.author_id] = url_for("accounts.profile", pseudonym=post.author.pseudonym)
    links["profiles"] = profiles
    return links


def header_status() -> dict[str, Any]:
    """What the header shows: unread notifications, queue counts, the out-of-hours banner.

    A bounded, data-size-independent number of queries: two for members and admins, three
    for facilitators, and a setting cached per process; the facilitated boards are asked
    once per request, so a page that checked them already saves one.
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
        # One lookup for both questions, shared with the page's own facilitator checks.
        boards = queue.reviewable_board_ids(current_user)
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
