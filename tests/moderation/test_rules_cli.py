"""`flask forum moderation ...` and `flask forum log verify`, and the admins' queue-health page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from forum.boards.services import grant_facilitator
from forum.config import REPO_ROOT
from forum.extensions import db, get_jobs
from forum.moderation import hours, pipeline
from forum.moderation.log import append_log
from forum.moderation.models import RuleOverride
from forum.moderation.screening import LANES, default_rules
from forum.pages.models import SiteSetting
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.moderation.helpers_pipeline import (
    CRISIS_TEXT,
    age_screening,
    count,
    flags_of,
    items_of,
    latest_post,
    logged_in,
    revisions_of,
    screening_of,
    start_thread,
)

EXAMPLES = REPO_ROOT / "tests" / "data" / "moderation_examples.jsonl"
ADVERT_RULE = {"key": "spam.buy-followers", "category": "spam", "lane": "amber",
               "action": "block", "pattern": "buy followers now",
               "message": "Adverts are not allowed on Kindred."}  # fmt: skip


@pytest.fixture
def cli(runner):
    """Run `flask forum ...` in-process; returns click's Result."""

    def invoke(*args: str, **kwargs):  # type: ignore[no-untyped-def]
        result = runner.invoke(args=["forum", *args], **kwargs)
        db.session.expire_all()
        return result

    return invoke


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="anxiety", name="Anxiety")


def _write(tmp_path, name: str, content: str):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def _exported(cli) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("moderation", "rules", "export")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# sweep and stats ---------------------------------------------------------------------------


def test_sweep_command_requeues_what_redis_lost_and_the_worker_screens_it(cli, board, run_worker):
    thread = make_thread(board, UserFactory(), "Lost job", CRISIS_TEXT)
    revision_id = revisions_of(thread.first_post)[0].id
    get_jobs().redis.flushdb()  # Redis lost the job
    age_screening(revision_id, timedelta(minutes=5))

    result = cli("moderation", "sweep")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Re-enqueued 1; marked 0 as needing manual review."
    assert screening_of(revision_id).state == "queued"
    assert run_worker()
    assert screening_of(revision_id).state == "done"
    assert items_of(thread.first_post)[0].lane == "crisis"


def test_sweep_command_reports_revisions_given_up(cli, board):
    thread = make_thread(board, UserFactory(), "Hopeless", "Cannot be screened.")
    revision_id = revisions_of(thread.first_post)[0].id
    age_screening(revision_id, timedelta(minutes=5), attempts=pipeline.MAX_ATTEMPTS)

    result = cli("moderation", "sweep")

    assert result.output.strip() == "Re-enqueued 0; marked 1 as needing manual review."
    assert screening_of(revision_id).state == "failed"


def test_stats_json_reports_the_backlog_and_the_lanes(cli, board, run_worker):
    make_thread(board, UserFactory(), "Waiting", "Not screened yet.")

    before = json.loads(cli("moderation", "stats", "--json").output)
    assert run_worker()
    after = json.loads(cli("moderation", "stats", "--json").output)

    for key in ("unscreened", "failed_screenings", "open_by_lane", "queued_jobs", "worker_alive"):
        assert key in before
    assert (before["unscreened"], before["failed_screenings"]) == (1, 0)
    assert before["queued_jobs"] == 2  # the screen job and the board recount
    assert before["worker_alive"] is False
    assert set(before["open_by_lane"]) == set(LANES)
    assert (after["unscreened"], after["queued_jobs"]) == (0, 0)
    assert after["open_by_lane"]["green"] == 1  # a new member's first post
    assert after["redis_up"] is True


def test_stats_without_json_prints_one_figure_per_line(cli, ctx):
    result = cli("moderation", "stats")

    assert result.exit_code == 0
    assert "unscreened: 0" in result.output
    assert "worker_alive: False" in result.output


# evaluate ----------------------------------------------------------------------------------


def test_evaluate_json_has_exactly_per_lane_confusion_and_macro_f1(cli, ctx):
    lines = [line for line in EXAMPLES.read_text().splitlines() if line.strip()]

    result = cli("moderation", "evaluate", str(EXAMPLES), "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"per_lane", "confusion", "macro_f1"}
    assert set(report["per_lane"]) == set(LANES)
    for scores in report["per_lane"].values():
        assert set(scores) == {"precision", "recall"}
        assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert set(report["confusion"]) == set(LANES)
    assert all(set(row) == set(LANES) for row in report["confusion"].values())
    assert sum(sum(row.values()) for row in report["confusion"].values()) == len(lines)
    for lane in LANES:
        labelled = sum(json.loads(line)["lane"] == lane for line in lines)
        assert sum(report["confusion"][lane].values()) == labelled
    assert 0.0 <= report["macro_f1"] <= 1.0


def test_evaluate_prints_a_table_without_json(cli, tmp_path, ctx):
    rows = [{"text": CRISIS_TEXT, "lane": "crisis"}, {"text": "Lovely sunny day.", "lane": "green"}]
    source = _write(tmp_path, "two.jsonl", "\n\n".join(json.dumps(row) for row in rows) + "\n")

    result = cli("moderation", "evaluate", source)

    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 examples")
    assert "macro-F1 (crisis, red, amber):" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"text": "fine"}\nnot json at all\n', 'line 1: expected {"text", "lane"}'),
     ('{"text": "fine", "lane": "green"}\nnot json at all\n', 'line 2: expected {"text", "lane"}'),
     ('{"text": "fine", "lane": "purple"}\n', "line 1: lane must be one of"),
     ('{"text": 42, "lane": "red"}\n', "line 1: lane must be one of")],
    ids=["missing-lane", "not-json", "unknown-lane", "text-not-a-string"],
)  # fmt: skip
def test_evaluate_refuses_a_malformed_file_with_a_one_line_error(
    cli, tmp_path, ctx, content, message
):
    result = cli("moderation", "evaluate", _write(tmp_path, "bad.jsonl", content), "--json")

    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_evaluate_refuses_a_file_that_is_not_text_with_a_one_line_error(cli, tmp_path, ctx):
    source = tmp_path / "binary.jsonl"
    source.write_bytes(b'\xff\xfe{"text": "x", "lane": "red"}\n')

    result = cli("moderation", "evaluate", str(source), "--json")

    assert result.exit_code != 0
    assert result.output.strip() == "Error: the file is not UTF-8 text"


# rules export / import / reset -------------------------------------------------------------


def test_rules_export_writes_the_shipped_rules_as_a_json_list(cli, ctx):
    exported = _exported(cli)

    assert isinstance(exported, list)
    assert [rule["key"] for rule in exported] == [rule.key for rule in default_rules()]
    assert all({"key", "category", "lane", "pattern"} <= set(rule) for rule in exported)


def test_rules_export_to_a_file_round_trips_through_import(cli, tmp_path, ctx):
    target = str(tmp_path / "rules.json")

    assert cli("moderation", "rules", "export", target).exit_code == 0
    result = cli("moderation", "rules", "import", target)

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Imported {len(default_rules())} rules."
    assert [rule["key"] for rule in _exported(cli)] == [rule.key for rule in default_rules()]


def test_rules_import_adds_a_rule_that_screening_then_applies(cli, tmp_path, app, board):
    browser = logged_in(app, UserFactory())

    result = cli(
        "moderation", "rules", "import", _write(tmp_path, "r.json", json.dumps([ADVERT_RULE]))
    )

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported 1 rules."
    assert ADVERT_RULE in _exported(cli)
    response = start_thread(browser, "anxiety", "Hey all, buy followers now!")
    assert response.status_code == 400
    assert "Adverts are not allowed on Kindred." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("bad", "message"),
    [({"kind": "regex", "pattern": r"\b(unclosed"}, "bad regex"),
     ({"lane": "purple"}, "unknown lane 'purple'"),
     ({"category": "gossip"}, "unknown category 'gossip'"),
     ({"kind": "regex", "pattern": r"x*"}, "can match empty text"),
     ({"colour": "red"}, "unknown colour")],
    ids=["bad-regex", "unknown-lane", "unknown-category", "empty-match", "unknown-field"],
)  # fmt: skip
def test_rules_import_refuses_an_invalid_rule_and_stores_nothing(cli, tmp_path, ctx, bad, message):
    good = {"key": "spam.fine", "category": "spam", "lane": "amber", "pattern": "cheap pills"}
    broken = {"key": "spam.broken", "category": "spam", "lane": "amber", "pattern": "x"} | bad
    source = _write(tmp_path, "rules.json", json.dumps([good, broken]))

    result = cli("moderation", "rules", "import", source)

    assert result.exit_code != 0
    assert "No rule was imported" in result.output
    assert "spam.broken" in result.output and message in result.output
    assert count(RuleOverride) == 0
    assert [rule["key"] for rule in _exported(cli)] == [rule.key for rule in default_rules()]


def test_rules_import_refuses_a_file_that_is_not_json(cli, tmp_path, ctx):
    result = cli("moderation", "rules", "import", _write(tmp_path, "rules.json", "[{oops"))

    assert result.exit_code != 0
    assert "No rule was imported" in result.output
    assert count(RuleOverride) == 0


def test_rule_with_a_board_applies_only_on_that_board(cli, tmp_path, app, board):
    BoardFactory(slug="caregivers", name="Caregivers")
    rule = ADVERT_RULE | {"board": "anxiety"}
    cli("moderation", "rules", "import", _write(tmp_path, "r.json", json.dumps([rule])))
    browser = logged_in(app, UserFactory())
    text = "Honestly, buy followers now, it changed my life."

    on_board = start_thread(browser, "anxiety", text)
    elsewhere = start_thread(browser, "caregivers", text)

    assert on_board.status_code == 400
    assert "Adverts are not allowed on Kindred." in on_board.get_data(as_text=True)
    assert elsewhere.status_code == 302
    assert latest_post().body_source == text


def test_rule_replacing_a_shipped_key_changes_what_screening_flags(
    cli, tmp_path, app, board, run_worker
):
    shipped = next(rule for rule in _exported(cli) if rule["key"] == "crisis.kill-self")
    disabled = shipped | {"enabled": False}
    source = _write(tmp_path, "r.json", json.dumps([disabled]))
    assert cli("moderation", "rules", "import", source, "--yes").exit_code == 0
    thread = make_thread(board, UserFactory(), "Title", CRISIS_TEXT)

    assert run_worker()

    assert screening_of(revisions_of(thread.first_post)[0].id).state == "done"
    assert "crisis.kill-self" not in {flag.rule_key for flag in flags_of(thread.first_post)}
    assert next(r for r in _exported(cli) if r["key"] == "crisis.kill-self")["enabled"] is False


def test_rules_import_asks_before_changing_a_rule_in_force_and_keeps_it_on_no(cli, tmp_path, ctx):
    shipped = next(rule for rule in _exported(cli) if rule["key"] == "crisis.kill-self")
    source = _write(tmp_path, "r.json", json.dumps([shipped | {"enabled": False}, ADVERT_RULE]))

    result = cli("moderation", "rules", "import", source, input="n\n")

    assert result.exit_code == 1
    assert "This changes 1 rules in force (crisis.kill-self). Import?" in result.output
    assert count(RuleOverride) == 0
    assert next(r for r in _exported(cli) if r["key"] == "crisis.kill-self").get("enabled", True)


def test_rules_reset_yes_drops_every_imported_rule(cli, tmp_path, ctx):
    cli("moderation", "rules", "import", _write(tmp_path, "r.json", json.dumps([ADVERT_RULE])))

    result = cli("moderation", "rules", "reset", "--yes")

    assert result.exit_code == 0
    assert result.output.strip() == "Dropped 1 rules; the shipped defaults apply."
    assert count(RuleOverride) == 0
    assert ADVERT_RULE not in _exported(cli)


def test_rules_reset_without_yes_asks_and_keeps_the_rules_on_no(cli, tmp_path, ctx):
    cli("moderation", "rules", "import", _write(tmp_path, "r.json", json.dumps([ADVERT_RULE])))

    result = cli("moderation", "rules", "reset", input="n\n")

    assert result.exit_code != 0
    assert "Drop every imported rule?" in result.output
    assert count(RuleOverride) == 1


# hours -------------------------------------------------------------------------------------


def test_hours_command_sets_shows_and_clears_facilitated_hours(cli, ctx):
    try:
        result = cli("moderation", "hours", "09:00-17:00 Europe/London")
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "Facilitated hours: 09:00-17:00 Europe/London"
        assert db.session.get(SiteSetting, hours.SETTING_KEY).value == "09:00-17:00 Europe/London"
        assert cli("moderation", "hours").output.strip() == "09:00-17:00 Europe/London"

        cleared = cli("moderation", "hours", "--clear")

        assert cleared.output.strip() == "Facilitated at all hours."
        assert db.session.get(SiteSetting, hours.SETTING_KEY) is None
        assert cli("moderation", "hours").output.strip() == "Facilitated at all hours."
    finally:
        hours.set_hours(None)
        db.session.commit()


@pytest.mark.parametrize("span", ["9 to 5", "09:00-17:00 Mars/Olympus", "25:00-26:00"])
def test_hours_command_refuses_what_it_cannot_read(cli, ctx, span):
    result = cli("moderation", "hours", span)

    assert result.exit_code != 0
    assert "Write hours as HH:MM-HH:MM" in result.output
    assert db.session.get(SiteSetting, hours.SETTING_KEY) is None


# log verify --------------------------------------------------------------------------------


def test_log_verify_passes_on_an_intact_chain(cli, ctx):
    member = UserFactory()
    for action in ("approve", "hide", "note"):
        append_log(action, actor=member, reason=f"test {action}")
    db.session.commit()

    result = cli("log", "verify")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 3 rows, chain intact."


def test_log_verify_passes_on_an_empty_log(cli, ctx):
    result = cli("log", "verify")

    assert result.exit_code == 0
    assert "chain intact" in result.output


# the health page ---------------------------------------------------------------------------


def test_health_page_shows_queue_figures_to_admins(app, board):
    admin = UserFactory(is_admin=True)
    make_thread(board, UserFactory(), "One", "Waiting for the worker.")

    response = logged_in(app, admin).get("/review/health")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Queue health" in page
    assert '<th scope="row">Revisions not yet screened</th><td>1' in page
    assert '<th scope="row">Jobs waiting in Redis</th><td>2</td>' in page
    assert "no live worker" in page
    assert "Open in crisis" in page


def test_health_page_is_refused_to_facilitators(app, board):
    facilitator = UserFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()
    browser = logged_in(app, facilitator)

    assert browser.get("/review").status_code == 200  # a reviewer, yet not an admin
    assert browser.get("/review/health").status_code == 403


def test_health_page_is_refused_to_members_and_visitors(app, client, ctx):
    assert logged_in(app, UserFactory()).get("/review/health").status_code == 403
    response = client.get("/review/health")
    assert response.status_code == 302
    assert response.location.startswith("/login")
