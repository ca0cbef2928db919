"""Migration 0008: anonymous posts made before it lose their author id for an owner tag and a
sealed author, their review items keep only the member reference, the authors' notices
about them are sealed, and follows that tied an author to their anonymous thread go.

Run on a database of its own (SQLite): built to head, taken down to 0007 (which puts the
author ids back, as they were stored before) and up again."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from forum.extensions import db
from forum.moderation import reports
from forum.moderation.models import ReviewItem
from forum.notifications.models import Notification
from forum.posts import services as posts
from forum.posts.anonymity import member_reference
from forum.posts.authorship import author_id_of, owner_tag
from forum.posts.models import Post, Thread
from forum.reactions.services import toggle_reaction
from tests.factories import BoardFactory, UserFactory
from tests.migrations import MIGRATIONS, scratch_database


def _rows(sql: str) -> list[tuple]:
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(text(sql))]


def test_anonymous_posts_made_before_0008_are_unlinked_by_it(app, tmp_path: Path):
    with scratch_database(app, tmp_path):
        upgrade(directory=MIGRATIONS)
        board = BoardFactory(anonymous_policy="allowed")
        author, reader = UserFactory(pseudonym="Fern"), UserFactory(pseudonym="Moss")
        thread = posts.create_thread(board, author, "Quiet", "Hello.", anonymous=True)
        named = posts.create_reply(thread, reader, "Hello back.")
        db.session.commit()
        opening = db.session.scalar(select(Post).where(Post.number == 1))
        toggle_reaction(reader, opening, "strength")
        reports.report_post(opening, reader, "guidelines")
        db.session.commit()
        ids = (author.id, thread.id, opening.id)
        named_id, reader_id = named.id, reader.id

        downgrade(directory=MIGRATIONS, revision="0007_warnings")
        # As 0007 stored them: the author's id on the post, thread and review item.
        assert _rows(f"SELECT author_id FROM post WHERE id = {ids[2]}") == [(ids[0],)]
        assert _rows(f"SELECT author_id FROM thread WHERE id = {ids[1]}") == [(ids[0],)]
        assert _rows("SELECT author_id FROM review_item") == [(ids[0],)]
        # Told of the reply (as the thread's author) and of the reaction, in plain words.
        assert _rows(f"SELECT link FROM notification WHERE user_id = {ids[0]}") == [
            (f"/p/{named_id}",),
            (f"/p/{ids[2]}",),
        ]
        logged = (
            "INSERT INTO action_log (created_at, actor_label, action, post_id,"
            " subject_user_id, reason, details, prev_hash, hash) VALUES"
            f" ('2026-11-01 10:00:00', 'Willow', 'hide', {ids[2]}, {ids[0]}, 'r', '{{}}',"
        )
        db.session.execute(text(logged + " 'p1', 'h1')"))
        db.session.execute(text(logged.replace("'hide'", "'reidentify'") + " 'p2', 'h2')"))
        db.session.execute(text(
            f"INSERT INTO thread_follow (user_id, thread_id, created_at) "
            f"VALUES ({ids[0]}, {ids[1]}, '2026-11-01 10:00:00')"
        ))  # fmt: skip
        db.session.commit()

        upgrade(directory=MIGRATIONS)
        db.session.rollback()
        post, moved = db.session.get(Post, ids[2]), db.session.get(Thread, ids[1])
        assert post.author_id is None and moved.author_id is None
        assert post.owner_tag == moved.owner_tag == owner_tag(ids[0], ids[1])
        assert author_id_of(post) == ids[0]
        item = db.session.scalar(select(ReviewItem))
        assert item.author_id is None and item.member_ref == member_reference(ids[0])
        notes = db.session.scalars(select(Notification).where(Notification.user_id == ids[0]))
        reply, reaction = notes
        for note in (reply, reaction):
            assert note.sealed and note.post_id is None and "/p/" not in note.link
        assert reply.shown_link == f"/p/{named_id}" and "Quiet" in reply.shown_text
        assert reaction.shown_link == f"/p/{ids[2]}" and "strength" in reaction.shown_text
        assert _rows("SELECT user_id FROM thread_follow") == [(reader_id,)]
        assert _rows("SELECT action, subject_user_id FROM action_log ORDER BY id") == [
            ("hide", None),
            ("reidentify", ids[0]),
        ]
        assert _rows(f"SELECT posts_written FROM user WHERE id = {ids[0]}") == [(1,)]
