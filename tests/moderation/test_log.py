"""The action log: hash-chained, append-only, checked by `flask forum log verify`, and shown
to the member it is about on their own moderation page."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import delete, select, update

from forum.extensions import db
from forum.moderation.log import verify_chain
from forum.moderation.models import ActionLog, Sanction
from tests.conftest import PASSWORD, post_form
from tests.factories import make_reply
from tests.moderation.helpers_review import (
    act,
    fresh,
    log_count,
    log_rows,
    logged_in,
    main,
    report,
    text_of,
)


def several_actions(app, scene) -> None:  # type: ignore[no-untyped-def]
    """Hide, restore, warn, escalate, message, sanction, appeal and decide: eight rows."""
    facilitator = logged_in(app, scene.facilitator)
    item = report(scene.post, scene.member, "harassment")
    act(facilitator, item.id, "hide", reason="Unkind words.")
    act(facilitator, item.id, "restore", reason="It was a joke between friends.")
    act(facilitator, item.id, "warning", warning="strong language")
    act(facilitator, item.id, "escalate", reason="Second opinion, please.")
    act(facilitator, item.id, "message", message="Are you all right?")
    act(facilitator, item.id, "sanction", kind="mute", days="2", reason="Cool down a little.")
    sanction_id = db.session.scalar(select(Sanction.id))
    author = logged_in(app, scene.author)
    post_form(author, f"/me/sanctions/{sanction_id}/appeal",
              {"text": "It really was a joke between friends."}, page="/me/moderation")  # fmt: skip
    post_form(logged_in(app, scene.admin), f"/review/appeals/{sanction_id}",
              {"outcome": "overturn", "reason": "Agreed."}, page="/review/appeals")  # fmt: skip


def snapshot() -> list[tuple]:
    fresh()
    return [
        (r.id, r.created_at, r.actor_label, r.action, r.review_item_id, r.post_id, r.reason,
         r.details, r.prev_hash, r.hash)
        for r in db.session.scalars(select(ActionLog).order_by(ActionLog.id))
    ]  # fmt: skip


def tamper(row_id: int, **values) -> None:  # type: ignore[no-untyped-def]
    """Change a row behind the product's back, as someone with database access might."""
    db.session.execute(update(ActionLog).where(ActionLog.id == row_id).values(**values))
    db.session.commit()


def test_the_chain_verifies_after_several_actions(app, scene, runner):
    several_actions(app, scene)
    rows = log_rows()
    assert len(rows) == 8

    report_ = verify_chain()

    assert (report_.ok, report_.checked, report_.first_bad_id) == (True, 8, None)
    assert rows[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(rows))
    result = runner.invoke(args=["forum", "log", "verify"])
    assert result.exit_code == 0
    assert "OK: 8 rows, chain intact." in result.output


def test_an_empty_log_verifies(ctx, runner):
    result = runner.invoke(args=["forum", "log", "verify"])
    assert result.exit_code == 0
    assert "OK: 0 rows" in result.output


def test_verify_checks_the_chain_in_batches(app, scene):
    several_actions(app, scene)
    assert verify_chain(batch=2).ok
    tamper(log_rows()[6].id, reason="edited")
    assert verify_chain(batch=2).first_bad_id == log_rows()[6].id


@pytest.mark.parametrize(
    ("column", "value"),
    [("reason", "Nothing happened here."), ("action", "approve"), ("actor_label", "Nobody"),
     ("details", "{}"), ("post_id", None)],
)  # fmt: skip
def test_tampering_with_a_row_breaks_the_chain_at_that_row(app, scene, runner, column, value):
    several_actions(app, scene)
    target = log_rows()[5]  # the mute, which has details
    assert getattr(target, column) != value

    tamper(target.id, **{column: value})

    fresh()
    report_ = verify_chain()
    assert (report_.ok, report_.first_bad_id, report_.checked) == (False, target.id, 5)
    result = runner.invoke(args=["forum", "log", "verify"])
    assert result.exit_code != 0
    assert f"Broken at row {target.id} after 5 good rows." in result.output


def test_removing_a_row_breaks_the_chain_at_the_next_one(app, scene, runner):
    several_actions(app, scene)
    rows = log_rows()
    db.session.execute(delete(ActionLog).where(ActionLog.id == rows[3].id))
    db.session.commit()

    fresh()
    assert verify_chain().first_bad_id == rows[4].id
    assert runner.invoke(args=["forum", "log", "verify"]).exit_code != 0


def test_a_rehashed_row_still_breaks_the_link_to_the_next(app, scene):
    several_actions(app, scene)
    rows = log_rows()
    tamper(rows[2].id, reason="Rewritten.", hash="f" * 64)
    fresh()
    assert verify_chain().first_bad_id == rows[2].id


def test_the_product_never_updates_a_log_row(app, scene):
    facilitator = logged_in(app, scene.facilitator)
    item = report(scene.post, scene.member, "harassment")
    seen: list[tuple] = []
    steps = [
        lambda: act(facilitator, item.id, "hide", reason="Unkind."),
        lambda: act(facilitator, item.id, "restore", reason="Fine after all."),
        lambda: act(facilitator, item.id, "redact", text="Kinder words.", reason="Softened."),
        lambda: act(facilitator, item.id, "warning", warning="grief"),
        lambda: act(facilitator, item.id, "thread", action="lock"),
        lambda: act(facilitator, item.id, "sanction", kind="note", reason="Noted."),
    ]
    for step in steps:
        assert step().status_code == 302
        rows = snapshot()
        assert rows[: len(seen)] == seen  # every earlier row is exactly as it was
        assert len(rows) == len(seen) + 1  # and the count only grows
        seen = rows
    assert verify_chain().ok


def test_the_chain_survives_a_member_deleting_their_account(app, scene):
    several_actions(app, scene)
    author = logged_in(app, scene.author)
    response = post_form(author, "/settings/delete", {"delete-password": PASSWORD},
                         page="/settings")  # fmt: skip
    assert response.status_code == 302

    rows = log_rows()
    assert len(rows) == 8
    assert all(row.subject_user_id is None for row in rows)
    assert verify_chain().ok


# The member's own moderation page.


def test_a_member_sees_actions_on_their_content_with_the_reason(app, scene):
    facilitator = logged_in(app, scene.facilitator)
    item = report(scene.post, scene.member, "harassment")
    act(facilitator, item.id, "hide", reason="Please keep replies kind.")
    act(facilitator, item.id, "restore", reason="Restored after a second look.")

    page = main(text_of(logged_in(app, scene.author).get("/me/moderation")))

    assert "<strong>hide</strong>" in page and "<strong>restore</strong>" in page
    assert "Please keep replies kind." in page
    assert "Restored after a second look." in page
    assert page.index("<strong>restore</strong>") < page.index("<strong>hide</strong>")
    assert f'href="/p/{scene.post.id}"' in page
    assert scene.facilitator.pseudonym not in page


def test_a_member_does_not_see_actions_on_other_members_content(app, scene):
    facilitator = logged_in(app, scene.facilitator)
    other_post = make_reply(scene.thread, scene.member, "My own words.")
    item = report(other_post, scene.author, "spam")
    act(facilitator, item.id, "hide", reason="Advertising is not allowed.")

    page = main(text_of(logged_in(app, scene.author).get("/me/moderation")))

    assert "No actions so far." in page
    assert "Advertising is not allowed." not in page
    assert log_count() == 1
