"""Reading the whole database the way someone with a copy of it (and no server secret) would,
looking for any row that ties a member to their anonymous posts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import String, Text, select

from forum.extensions import db

# Rows that may hold a member's id beside an anonymous post or thread, and why:
# - thread_read: every reader of a thread has one; reading is not writing.
# - action_log rows of break-glass re-identification name the member by design: that is
#   the one recorded, two-admin way to link them.
# - a notice announcing a post to its followers, when others got the same one: leaving the
#   author out would set them apart, so they are told like everyone else.
ALLOWED = {"thread_read"}
BREAK_GLASS_ACTIONS = {"reidentify"}
ANNOUNCEMENTS = {"new_thread", "reply", "mention"}


def _shared_announcement(table_name: str, row) -> bool:  # type: ignore[no-untyped-def]
    if table_name != "notification" or row["kind"] not in ANNOUNCEMENTS or not row["post_id"]:
        return False
    table = db.metadata.tables["notification"]
    others = select(table.c.id).where(
        table.c.post_id == row["post_id"],
        table.c.kind == row["kind"],
        table.c.user_id != row["user_id"],
    )
    return db.session.execute(others.limit(1)).first() is not None


def _points_at(column, table_name: str) -> bool:  # type: ignore[no-untyped-def]
    return any(fk.column.table.name == table_name for fk in column.foreign_keys)


def rows_linking(
    user_id: int, post_ids: Iterable[int], thread_ids: Iterable[int], words: Iterable[str] = ()
) -> list[str]:
    """Every row that holds the member's id (in a column pointing at the user table, or
    action_log.subject_user_id) together with one of the posts or threads (as an id, or as
    a /p/<id> or /t/<id> link in its text) or one of `words` (e.g. the thread's title)."""
    posts, threads = set(post_ids), set(thread_ids)
    links = [rf"/p/{i}(?!\d)" for i in posts] + [rf"/t/{i}(?!\d)" for i in threads]
    needles = [re.compile(link) for link in links] + [re.compile(re.escape(w)) for w in words]
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in ALLOWED:
            continue
        user_columns = [c for c in table.columns if _points_at(c, "user")]
        if table.name == "action_log":
            user_columns = [table.c.subject_user_id]
        if not user_columns:
            continue
        post_columns = [c for c in table.columns if _points_at(c, "post") or c.name == "post_id"]
        thread_columns = [c for c in table.columns if _points_at(c, "thread")]
        if table.name in ("post", "thread"):  # the row of the post or thread itself
            (post_columns if table.name == "post" else thread_columns).append(table.c.id)
        text_columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in db.session.execute(select(table)).mappings():
            if not any(row[c.name] == user_id for c in user_columns):
                continue
            if table.name == "action_log" and row["action"] in BREAK_GLASS_ACTIONS:
                continue
            if _shared_announcement(table.name, row):
                continue
            linked = any(row[c.name] in posts for c in post_columns) or any(
                row[c.name] in threads for c in thread_columns
            )
            texts = [str(row[c.name]) for c in text_columns if row[c.name]]
            mentioned = [n for n in needles if any(n.search(text) for text in texts)]
            if linked or mentioned:
                found.append(f"{table.name}: {dict(row)}")
    return found
