"""Migration 0007: free-text warnings that name a theme on the list become that theme, and
going back down folds the themes into the free text again. Run on a database of its own
(SQLite), built to head, taken down to 0006 and up again."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from forum.extensions import db
from forum.posts import services as posts
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.migrations import MIGRATIONS, scratch_database


def _warnings() -> list[tuple[str | None, str | None]]:
    db.session.rollback()
    rows = db.session.execute(
        text("SELECT content_warning_keys, content_warning FROM post ORDER BY id")
    )
    return [tuple(row) for row in rows]


def test_old_free_text_warnings_naming_a_theme_become_the_theme(app, tmp_path: Path):
    with scratch_database(app, tmp_path):
        upgrade(directory=MIGRATIONS)
        thread = make_thread(BoardFactory(), UserFactory(), "Old warnings", "Opening.")
        stored = [(None, "Self-Harm"), (None, " substance   use "), (None, "loss of a pet"),
                  ("abuse,loss", "a funeral")]  # fmt: skip
        for keys, words in stored:
            post = posts.create_reply(thread, thread.author, "A reply.")
            # As facilitators stored them before: the free text exactly as typed.
            post.set_content_warnings(keys, words)
        db.session.commit()

        downgrade(directory=MIGRATIONS, revision="0006_search")
        db.session.rollback()
        old = db.session.execute(text("SELECT content_warning FROM post ORDER BY id"))
        assert [row[0] for row in old] == [
            None,
            "Self-Harm",
            " substance   use ",
            "loss of a pet",
            "abuse, loss, a funeral",
        ]

        upgrade(directory=MIGRATIONS)
        assert _warnings() == [
            (None, None), ("self-harm", None), ("substance-use", None),
            (None, "loss of a pet"), (None, "abuse, loss, a funeral"),
        ]  # fmt: skip
