"""`flask forum moderation rescan|sweep|stats`: screening existing posts again, and reports."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.db import utcnow
from forum.extensions import db
from forum.moderation.models import Flag, ReviewItem, Screening
from forum.posts.models import Post
from tests.cli.conftest import count, json_of, ok, refused
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread

RULE = {"key": "spam.lemonade", "category": "spam", "lane": "amber", "action": "flag",
        "pattern": "lemonade stand"}  # fmt: skip


@pytest.fixture
def scene(ctx, run_worker, tmp_path):  # type: ignore[no-untyped-def]
    """Posts screened under the old rules, then a new rule that one old post breaks."""
    anxiety, grief = BoardFactory(slug="anxiety"), BoardFactory(slug="grief")
    member, other = UserFactory(), UserFactory()
    old = make_thread(anxiety, member, "Summer plans", "Opening my lemonade stand on Sunday.")
    make_reply(old, other, "Sounds lovely, enjoy it.")
    elsewhere = make_thread(grief, other, "Remembering", "Her lemonade stand every summer.")
    assert run_worker()
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([RULE]), encoding="utf-8")
    return {"old": old, "elsewhere": elsewhere, "rules": str(rules)}


def lemonade_flags() -> list[Flag]:
    return list(db.session.scalars(select(Flag).where(Flag.rule_key == "spam.lemonade")))


def test_rescan_now_screens_old_posts_under_the_new_rules(cli, scene):
    ok(cli("moderation", "rules", "import", scene["rules"]))
    assert lemonade_flags() == []

    result = ok(cli("moderation", "rescan", "--now"))

    assert result.stdout.strip() == "Screened 3 posts; 2 new flags."
    flagged = {flag.post_id for flag in lemonade_flags()}
    assert flagged == {scene["old"].first_post.id, scene["elsewhere"].first_post.id}
    assert count(ReviewItem, ReviewItem.state == "open") >= 2
    assert count(Screening, Screening.state != "done") == 0


def test_rescan_twice_adds_no_second_flag(cli, scene):
    ok(cli("moderation", "rules", "import", scene["rules"]))
    ok(cli("moderation", "rescan", "--now"))

    result = ok(cli("moderation", "rescan", "--now", "--json"))

    assert json_of(result) == {"revisions": 3, "screened": 3, "new_flags": 0, "queued": False}
    assert len(lemonade_flags()) == 2


def test_rescan_filters_by_board_and_date(cli, scene):
    ok(cli("moderation", "rules", "import", scene["rules"]))
    db.session.execute(
        update(Post)
        .where(Post.id == scene["elsewhere"].first_post.id)
        .values(created_at=utcnow() - timedelta(days=30))
    )
    db.session.commit()

    assert json_of(ok(cli("moderation", "rescan", "--board", "grief", "--since", "7d",
                          "--now", "--json")))["screened"] == 0  # fmt: skip
    ok(cli("moderation", "rescan", "--board", "grief", "--now"))

    assert {flag.post_id for flag in lemonade_flags()} == {scene["elsewhere"].first_post.id}


def test_rescan_through_the_workers_marks_pending_and_enqueues(cli, scene, run_worker):
    ok(cli("moderation", "rules", "import", scene["rules"]))

    result = ok(cli("moderation", "rescan", "--board", "anxiety"))

    assert result.stdout.strip() == "Queued 2 posts for screening by the workers."
    assert count(Screening, Screening.state == "pending") == 2
    assert run_worker()
    db.session.expire_all()
    assert count(Screening, Screening.state == "pending") == 0
    assert {flag.post_id for flag in lemonade_flags()} == {scene["old"].first_post.id}


def test_rescan_refuses_an_unknown_board_and_a_bad_date(cli, scene):
    refused(cli("moderation", "rescan", "--board", "nope"), "No board has the slug 'nope'.")
    result = cli("moderation", "rescan", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "'last tuesday' is not a date such as 2026-11-24" in result.output


def test_sweep_and_stats_print_json(cli, scene):
    assert json_of(ok(cli("moderation", "sweep", "--json"))) == {"requeued": 0, "failed": 0}
    stats = json_of(ok(cli("moderation", "stats", "--json")))
    assert stats["unscreened"] == 0
    assert set(stats["open_by_lane"]) == {"crisis", "red", "amber", "green"}
    text = ok(cli("moderation", "stats")).output
    assert "open_by_lane: crisis 0, red 0" in text
