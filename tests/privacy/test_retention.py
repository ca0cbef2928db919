"""Retention: `flask forum purge` blanks the text of posts withdrawn or hidden long ago, keeps
the rows, and touches nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.boards.services import grant_facilitator
from forum.db import utcnow
from forum.extensions import db
from forum.moderation import actions, reports
from forum.moderation.models import Flag, ReviewItem
from forum.posts import services as posts
from forum.posts.models import Post, PostRevision, Thread
from forum.privacy import retention
from forum.privacy.services import strip_quotes
from tests.accounts.helpers import config_set
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.privacy.helpers import changed_cells, first_post, table_rows

LATER = timedelta(days=31)  # a clock moved on: everything withdrawn or hidden today is old


@dataclass
class Scene:
    thread_id: int
    old_opening_id: int  # the opening post of `old_thread`, withdrawn 40 days ago
    old_thread_id: int
    old_withdrawn_id: int  # edited, reported with a quoting note, withdrawn 40 days ago
    new_withdrawn_id: int  # withdrawn today
    hidden_id: int  # hidden by a facilitator today
    restored_id: int  # hidden, then restored: visible
    visible_id: int


def _review(post_id: int) -> ReviewItem:
    return db.session.scalar(select(ReviewItem).where(ReviewItem.post_id == post_id))


def _reported(post: Post, reporter, details: str = "") -> ReviewItem:  # type: ignore[no-untyped-def]
    item_id = reports.report_post(post, reporter, "guidelines", details).review_item_id
    db.session.commit()
    return db.session.get(ReviewItem, item_id)


@pytest.fixture
def scene(ctx) -> Scene:
    board = BoardFactory()
    author, other, facilitator = UserFactory(), UserFactory(), UserFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()
    thread = make_thread(board, other, "Weekends", "What helps at weekends?")
    old = make_reply(thread, author, "My sister's name is Ann.")
    posts.edit_post(old, "My sister visits on Sundays.")
    db.session.commit()
    _reported(old, other, 'it names "Ann" in full')
    posts.withdraw_post(old)
    new = make_reply(thread, author, "I sleep late.")
    posts.withdraw_post(new)
    hidden = make_reply(thread, author, "Something unkind.")
    item = _reported(hidden, other)
    actions.hide(item, facilitator, item.version, "Please be kind.")
    restored = make_reply(thread, author, "Something misread.")
    item = _reported(restored, other)
    actions.hide(item, facilitator, item.version, "Hidden by mistake.")
    db.session.commit()
    actions.restore(item, facilitator, db.session.get(ReviewItem, item.id).version, "Fine.")
    visible = make_reply(thread, author, "I go for a walk.")
    old_thread = make_thread(board, author, "A title that stays", "An opening I withdrew.")
    old_opening = first_post(old_thread)
    posts.withdraw_post(old_opening)
    db.session.commit()
    # The author withdrew these 40 days ago.
    for post in (old, old_opening):
        post.withdrawn_at = utcnow() - timedelta(days=40)
    db.session.commit()
    return Scene(thread.id, old_opening.id, old_thread.id, old.id, new.id, hidden.id,
                 restored.id, visible.id)  # fmt: skip


def _cells_of_post(post_id: int) -> set[tuple[str, tuple, str]]:
    """The cells a purge of one post may change: its text, its revisions', its copies."""
    cells = {("post", (post_id,), "body_source"), ("post", (post_id,), "body_html")}
    for revision in db.session.scalars(select(PostRevision).where(PostRevision.post_id == post_id)):
        cells |= {("post_revision", (revision.id,), c) for c in ("body_source", "body_html")}
        if revision.title is not None:
            cells.add(("post_revision", (revision.id,), "title"))
    for item in db.session.scalars(select(ReviewItem).where(ReviewItem.post_id == post_id)):
        cells.add(("review_item", (item.id,), "snapshot_text"))
    for flag in db.session.scalars(select(Flag).where(Flag.post_id == post_id)):
        if '"' in flag.reason:
            cells.add(("flag", (flag.id,), "reason"))
    return cells


def test_purge_blanks_only_what_was_withdrawn_before_the_period(scene):
    before = table_rows()
    expected = _cells_of_post(scene.old_withdrawn_id) | _cells_of_post(scene.old_opening_id)

    report = retention.purge_expired_content(retention.retention_cutoff(30))
    db.session.commit()

    assert changed_cells(before, table_rows()) == expected
    assert (report.posts, report.revisions) == (2, 3)
    assert (report.review_items, report.flags) == (1, 1)


def test_purged_posts_keep_their_rows_numbers_and_withdrawn_line(scene):
    retention.purge_expired_content(retention.retention_cutoff(30))
    db.session.commit()
    db.session.rollback()

    old = db.session.get(Post, scene.old_withdrawn_id)
    assert (old.body_source, old.body_html, old.number) == ("", "", 2)
    assert old.withdrawn_at is not None
    revisions = db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == old.id).order_by(PostRevision.number)
    ).all()
    assert [(r.number, r.body_source, r.body_html) for r in revisions] == [(1, "", ""), (2, "", "")]
    assert _review(old.id).snapshot_text == ""
    reasons = db.session.scalars(select(Flag.reason).where(Flag.post_id == old.id)).all()
    assert reasons == ['report: it breaks the community guidelines (reporter\'s note: "[purged]")']
    thread = db.session.get(Thread, scene.old_thread_id)
    assert thread.title == "A title that stays"
    assert [p.number for p in db.session.scalars(
        select(Post).where(Post.thread_id == scene.thread_id).order_by(Post.number))
    ] == [1, 2, 3, 4, 5, 6]  # fmt: skip


def test_purge_later_takes_hidden_and_newer_withdrawn_posts_but_not_visible_ones(scene):
    before = table_rows()
    expected = set().union(*(_cells_of_post(post_id) for post_id in (
        scene.old_withdrawn_id, scene.old_opening_id, scene.new_withdrawn_id, scene.hidden_id,
    )))  # fmt: skip
    # The hidden post's report has no quote: its reason stays as it is.
    expected = {cell for cell in expected if cell[0] != "flag" or cell[1] != (scene.hidden_id,)}

    retention.purge_expired_content(retention.retention_cutoff(30, now=utcnow() + LATER))
    db.session.commit()

    assert changed_cells(before, table_rows()) == expected
    for post_id in (scene.restored_id, scene.visible_id):
        assert db.session.get(Post, post_id).body_source != ""


def test_purging_twice_changes_nothing_more(scene):
    cutoff = retention.retention_cutoff(30, now=utcnow() + LATER)
    retention.purge_expired_content(cutoff)
    db.session.commit()
    before = table_rows()

    report = retention.purge_expired_content(cutoff)
    db.session.commit()

    assert (report.posts, report.revisions, report.review_items, report.flags) == (0, 0, 0, 0)
    assert changed_cells(before, table_rows()) == set()
    assert retention.count_purgeable(cutoff) == 0


def test_count_purgeable_counts_posts_with_text_left(scene):
    assert retention.count_purgeable(retention.retention_cutoff(30)) == 2
    assert retention.count_purgeable(retention.retention_cutoff(30, now=utcnow() + LATER)) == 4


@pytest.mark.parametrize(
    ("reason", "blanked"),
    [
        ('self-harm: "words here" (crisis)', 'self-harm: "[purged]" (crisis)'),
        ('a: "x" (c); at most amber: "y"', 'a: "[purged]"'),
        ('cut short: "half a quo', 'cut short: "[purged]"'),
        ("report: it is spam or advertising", "report: it is spam or advertising"),
        ('done: "[purged]" (c)', 'done: "[purged]" (c)'),
    ],
)
def test_strip_quotes_removes_every_quoted_word(reason, blanked):
    assert strip_quotes(reason) == blanked


@pytest.mark.parametrize("days", [-1, 36_501, "soon", "1.5", ""])
def test_a_bad_period_is_refused(days):
    with pytest.raises(retention.RetentionInvalid):
        retention.retention_cutoff(days)


# The CLI


@pytest.fixture
def cli(runner):
    def invoke(*args: str, **kwargs):  # type: ignore[no-untyped-def]
        result = runner.invoke(args=["forum", "purge", *args], **kwargs)
        db.session.rollback()
        return result

    return invoke


def _blank(post_id: int) -> bool:
    return db.session.get(Post, post_id).body_source == ""


def test_cli_purges_after_the_configured_period_and_says_what(scene, cli):
    result = cli("--yes")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Purged the text of 2 posts withdrawn or hidden before ")
    assert "(3 revisions, 1 review-item snapshot, 1 flag reason)." in result.output
    assert _blank(scene.old_withdrawn_id) and not _blank(scene.new_withdrawn_id)


def test_cli_days_option_overrides_the_configured_period(app, scene, cli):
    with config_set(app, "FORUM_RETENTION_DAYS", 60):
        assert "of 0 posts" in cli("--yes").output
        result = cli("--days", "0", "--yes")
    assert "Purged the text of 4 posts" in result.output
    assert _blank(scene.new_withdrawn_id) and _blank(scene.hidden_id)
    assert not _blank(scene.visible_id) and not _blank(scene.restored_id)


def test_cli_asks_before_purging_and_a_no_changes_nothing(scene, cli):
    before = table_rows()
    result = cli(input="n\n")
    assert result.exit_code == 1
    assert "Permanently purge the text of 2 posts withdrawn or hidden before " in result.output
    assert "Aborted!" in result.output
    assert changed_cells(before, table_rows()) == set()

    result = cli(input="y\n")
    assert result.exit_code == 0
    assert "Purged the text of 2 posts" in result.output


@pytest.mark.parametrize(
    ("days", "error"),
    [
        ("-3", "Error: the number of days must be from 0 to 36,500"),
        ("soon", "Error: the number of days must be a whole number, not 'soon'"),
    ],
)
def test_cli_refuses_bad_input_with_one_line(scene, cli, days, error):
    before = table_rows()
    result = cli("--days", days, "--yes")
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [error]
    assert changed_cells(before, table_rows()) == set()
