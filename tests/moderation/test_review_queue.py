"""The facilitators' queue: who may see what, lanes and their order, filters, overdue items,
the item page in context, and bulk approve or hide with undo."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from forum.accounts.models import LoginSession
from forum.db import utcnow
from forum.extensions import db
from forum.moderation.models import BulkAction, ReviewItem
from forum.posts import services as posts
from tests.conftest import post_form
from tests.factories import make_reply, make_thread
from tests.moderation.helpers_review import (
    ABUSE_TEXT,
    CRISIS_TEXT,
    HELD_TEXT,
    act,
    flags_of,
    flashes,
    header,
    item_by_id,
    log_count,
    log_rows,
    logged_in,
    main,
    open_item,
    post_by_id,
    queue_item_ids,
    queue_row,
    report,
    reported_reply,
    run_together,
    set_created_at,
    text_of,
    worry,
)

# Who may see the queue.


@pytest.mark.parametrize("path", ["/review", "/review/{item}", "/review/appeals"])
def test_plain_member_gets_403_on_the_queue_pages(app, scene, path):
    item = report(scene.post, scene.member)
    member = logged_in(app, scene.member)
    assert member.get(path.format(item=item.id)).status_code == 403


def test_plain_member_cannot_act_on_an_item(app, scene):
    item = report(scene.post, scene.member)
    member = logged_in(app, scene.member)
    data = {"approve-version": str(item.version)}
    response = post_form(member, f"/review/{item.id}/approve", data, page="/")
    assert response.status_code == 403
    assert item_by_id(item.id).state == "open"
    assert log_count() == 0


def test_visitor_is_sent_to_log_in_from_the_queue(app, scene):
    item = report(scene.post, scene.member)
    for path in ("/review", f"/review/{item.id}"):
        response = app.test_client().get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_facilitator_of_another_board_gets_403_on_the_item(app, scene):
    item = report(scene.post, scene.member)
    outsider = logged_in(app, scene.outsider)
    assert outsider.get("/review").status_code == 200
    assert outsider.get(f"/review/{item.id}").status_code == 403


def test_facilitator_of_another_board_cannot_act_on_the_item(app, scene):
    item = report(scene.post, scene.member)
    outsider = logged_in(app, scene.outsider)
    for action, fields in (("approve", {}), ("hide", {"reason": "Not for this board."})):
        data = {f"{action}-version": str(item.version)}
        data |= {f"{action}-{k}": v for k, v in fields.items()}
        response = post_form(outsider, f"/review/{item.id}/{action}", data, page="/review")
        assert response.status_code == 403
    bulk = {"items": [str(item.id)], "action": "approve", "reason": ""}
    post_form(outsider, "/review/bulk", bulk, page="/review")
    assert item_by_id(item.id).state == "open"
    assert post_by_id(scene.post.id).state == "visible"
    assert log_count() == 0


def test_missing_item_is_404(app, scene):
    facilitator = logged_in(app, scene.facilitator)
    assert facilitator.get("/review/987654").status_code == 404


def test_queue_shows_only_the_boards_a_facilitator_covers(app, scene):
    here = report(scene.post, scene.member)
    elsewhere_thread = make_thread(scene.other_board, scene.member, "Cannot sleep", "Any tips?")
    there = reported_reply(elsewhere_thread, scene.author, scene.second_facilitator)

    assert queue_item_ids(text_of(logged_in(app, scene.facilitator).get("/review"))) == [here.id]
    assert queue_item_ids(text_of(logged_in(app, scene.outsider).get("/review"))) == [there.id]
    admin_page = text_of(logged_in(app, scene.admin).get("/review"))
    assert sorted(queue_item_ids(admin_page)) == sorted([here.id, there.id])


# Lanes, order and counts.


def test_queue_orders_lanes_crisis_red_amber_green_and_oldest_first_within_a_lane(app, scene):
    thread, author, reporter = scene.thread, scene.author, scene.member
    green = reported_reply(thread, author, reporter, "spam")
    amber_newer = reported_reply(thread, author, reporter, "guidelines")
    amber_older = reported_reply(thread, author, reporter, "personal_info")
    red = reported_reply(thread, author, reporter, "harassment")
    crisis = worry(make_reply(thread, author, "Another long night."), reporter)
    now = utcnow()
    set_created_at(amber_newer.id, now - timedelta(minutes=5))
    set_created_at(amber_older.id, now - timedelta(minutes=50))
    set_created_at(green.id, now - timedelta(hours=3))  # the oldest, but the least urgent

    page = text_of(logged_in(app, scene.facilitator).get("/review"))

    assert queue_item_ids(page) == [crisis.id, red.id, amber_older.id, amber_newer.id, green.id]
    assert [item_by_id(i).lane for i in queue_item_ids(page)] == [
        "crisis", "red", "amber", "amber", "green",
    ]  # fmt: skip


def test_crisis_post_screened_by_the_worker_goes_to_the_top_of_the_queue(app, scene, run_worker):
    report(scene.post, scene.member, "harassment")
    crisis_post = make_reply(scene.thread, scene.author, CRISIS_TEXT)
    assert run_worker()

    item = open_item(crisis_post)
    assert item is not None and item.lane == "crisis"
    page = text_of(logged_in(app, scene.facilitator).get("/review"))
    assert queue_item_ids(page)[0] == item.id


def test_header_shows_lane_counts_to_facilitators(app, scene):
    reported_reply(scene.thread, scene.author, scene.member, "harassment")
    reported_reply(scene.thread, scene.author, scene.member, "harassment")
    reported_reply(scene.thread, scene.author, scene.member, "spam")
    worry(scene.post, scene.member)

    page = text_of(logged_in(app, scene.facilitator).get("/"))

    counts = re.search(r'<span class="queue-counts">(.*?)</span></a>', header(page), re.S)
    assert counts, "no lane counts in the header"
    shown = dict(
        (lane, int(n))
        for n, lane in re.findall(r'<span class="lane-\w+">(\d+) (\w+)</span>', counts.group(1))
    )
    assert shown == {"crisis": 1, "red": 2, "amber": 0, "green": 1}


def test_header_has_no_lane_counts_for_members(app, scene):
    report(scene.post, scene.member, "harassment")
    page = text_of(logged_in(app, scene.member).get("/"))
    assert "queue-counts" not in page
    assert "Review queue" not in header(page)


def test_queue_tabs_count_only_the_facilitators_boards(app, scene):
    report(scene.post, scene.member, "harassment")
    elsewhere = make_thread(scene.other_board, scene.member, "Cannot sleep", "Any tips?")
    reported_reply(elsewhere, scene.author, scene.facilitator, "harassment")

    page = text_of(logged_in(app, scene.facilitator).get("/review"))
    assert "Red (1)" in page
    admin_page = text_of(logged_in(app, scene.admin).get("/review"))
    assert "Red (2)" in admin_page


# Filters.


@pytest.fixture
def three_items(scene):  # type: ignore[no-untyped-def]
    """A red harassment item and a green spam item on `board`; an amber one elsewhere."""
    red = reported_reply(scene.thread, scene.author, scene.member, "harassment")
    green = reported_reply(scene.thread, scene.author, scene.member, "spam")
    elsewhere = make_thread(scene.other_board, scene.member, "Cannot sleep", "Any tips?")
    amber = reported_reply(elsewhere, scene.author, scene.facilitator, "guidelines")
    return {"red": red.id, "green": green.id, "amber": amber.id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lane=red", ["red"]),
        ("lane=green", ["green"]),
        ("category=spam", ["green"]),
        ("category=harassment", ["red"]),
        ("category=crisis", []),
        ("board={other}", ["amber"]),
        ("board={board}&lane=green", ["green"]),
        ("board={board}&category=guidelines", []),
    ],
)
def test_queue_filters_by_board_lane_and_category(app, scene, three_items, query, expected):
    admin = logged_in(app, scene.admin)
    url = "/review?" + query.format(board=scene.board.slug, other=scene.other_board.slug)
    page = text_of(admin.get(url))
    assert queue_item_ids(page) == [three_items[name] for name in expected]


def test_escalated_filter_lists_only_escalated_items(app, scene):
    calm = report(scene.post, scene.member)
    urgent = reported_reply(scene.thread, scene.author, scene.member, "harassment")
    facilitator = logged_in(app, scene.facilitator)
    assert act(facilitator, urgent.id, "escalate", reason="Needs an admin.").status_code == 302

    page = text_of(facilitator.get("/review?escalated=1"))
    assert queue_item_ids(page) == [urgent.id]
    assert calm.id in queue_item_ids(text_of(facilitator.get("/review")))


# Overdue items.


def test_items_older_than_their_lane_target_are_marked_overdue(app, scene):
    late_red = reported_reply(scene.thread, scene.author, scene.member, "harassment")
    young_amber = reported_reply(scene.thread, scene.author, scene.member, "guidelines")
    fresh_red = reported_reply(scene.thread, scene.author, scene.member, "harassment")
    now = utcnow()
    set_created_at(late_red.id, now - timedelta(minutes=61))  # the red target is 1 hour
    set_created_at(young_amber.id, now - timedelta(minutes=61))  # the amber target is 8 hours

    facilitator = logged_in(app, scene.facilitator)
    page = text_of(facilitator.get("/review"))

    assert "overdue" in queue_row(page, late_red.id)
    assert "overdue" not in queue_row(page, young_amber.id)
    assert "overdue" not in queue_row(page, fresh_red.id)
    assert 'class="overdue">overdue' in text_of(facilitator.get(f"/review/{late_red.id}"))
    assert "overdue" not in main(text_of(facilitator.get(f"/review/{fresh_red.id}")))


def test_a_crisis_item_is_overdue_after_fifteen_minutes(app, scene):
    item = worry(scene.post, scene.member)
    set_created_at(item.id, utcnow() - timedelta(minutes=16))
    page = text_of(logged_in(app, scene.facilitator).get("/review"))
    assert "overdue" in queue_row(page, item.id)


# The item page.


def test_item_page_shows_the_post_in_context(app, scene, run_worker):
    earlier = reported_reply(scene.thread, scene.author, scene.member, "spam")
    facilitator = logged_in(app, scene.facilitator)
    assert act(facilitator, earlier.id, "approve").status_code == 302
    posts.edit_post(scene.post, f"Some evenings are hard. {ABUSE_TEXT}")
    db.session.commit()
    assert run_worker()
    item = report(scene.post, scene.member, "harassment", "This one upset me")
    report(scene.post, scene.second_facilitator, "guidelines")

    page = main(text_of(facilitator.get(f"/review/{item.id}")))

    assert "Getting through the evenings" in page  # the thread title
    previous = re.search(r"The post before it</summary>(.*?)</details>", page, re.S)
    assert previous and "How do you all cope?" in previous.group(1)
    assert "nobody wants you here" in page.lower()  # the post as it is now
    flags = re.search(r'<ul class="flags">(.*?)</ul>', page, re.S).group(1)
    item_flags = flags_of(item.id)
    assert len(re.findall(r"<li>", flags)) == len(item_flags) >= 3
    for flag in item_flags:
        assert str(escape(flag.reason)) in flags
    assert "report: it is harassment or abuse" in flags
    assert "This one upset me" in flags
    assert "report: it breaks the community guidelines" in flags
    assert "harassment" in [flag.category for flag in item_flags if flag.source == "screening"]
    history = page.split("<h3>Edit history</h3>", 1)[1].split("<h3>", 1)[0]
    assert "Version 1" in history and "Version 2" in history
    assert "Some evenings I just sit with a cup of tea." in history
    others = page.split("The author's other flagged items", 1)[1]
    assert f'href="/review/{earlier.id}"' in others
    assert "resolved (approved)" in others


def test_item_page_names_the_author_by_pseudonym_and_nothing_more(app, scene):
    item = report(scene.post, scene.member, "harassment")
    author = scene.author
    logged_in(app, author)  # a login session of the author's own, which must not leak

    page = main(text_of(logged_in(app, scene.facilitator).get(f"/review/{item.id}")))

    assert f"By {author.pseudonym}" in page
    identifying = [
        author.password_hash,
        author.created_at.isoformat(),
        author.guidelines_accepted_at.isoformat(),
        "127.0.0.1",
        f"/u/{author.pseudonym}",
        f"/u/{author.id}",
        f"user {author.id}",
        f"member {author.id}",
        "user_id",
        "author_id",
        "user-id",
        "author-id",
        *db.session.scalars(
            select(LoginSession.token_hash).where(LoginSession.user_id == author.id)
        ),
    ]
    for value in identifying:
        assert value not in page, value
    assert not re.search(rf"\bid[=: ]+{author.id}\b", page)


def test_item_page_keeps_the_snapshot_when_the_post_is_gone(app, scene):
    item = report(scene.post, scene.member, "harassment")
    db.session.delete(post_by_id(scene.post.id))
    db.session.commit()

    page = text_of(logged_in(app, scene.facilitator).get(f"/review/{item.id}"))
    assert "The post no longer exists" in page
    assert "Some evenings I just sit with a cup of tea." in page


# Bulk actions from the queue page.


def _bulk(client, item_ids, action, reason=""):  # type: ignore[no-untyped-def]
    data = {"items": [str(i) for i in item_ids], "action": action, "reason": reason}
    return post_form(client, "/review/bulk", data, page="/review")


def _bulk_id(response) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r'action="/review/bulk/(\d+)/undo"', text_of(response))
    assert match, "no undo button"
    return int(match.group(1))


def _undo(client, bulk_id):  # type: ignore[no-untyped-def]
    return post_form(client, f"/review/bulk/{bulk_id}/undo", {}, page="/review")


def test_queue_page_offers_a_selection_for_bulk_actions(app, scene):
    one = report(scene.post, scene.member)
    two = reported_reply(scene.thread, scene.author, scene.member, "spam")
    page = text_of(logged_in(app, scene.facilitator).get("/review"))
    for item in (one, two):
        assert f'<input type="checkbox" name="items" value="{item.id}"' in page
    assert 'action="/review/bulk"' in page


def test_bulk_approve_resolves_every_selected_item_and_publishes_held_posts(app, scene, run_worker):
    held_post = make_reply(scene.thread, scene.author, HELD_TEXT)
    assert run_worker()
    held = open_item(held_post)
    assert held is not None and post_by_id(held_post.id).state == "held"
    reported = report(scene.post, scene.member)
    untouched = reported_reply(scene.thread, scene.author, scene.member, "spam")

    response = _bulk(logged_in(app, scene.facilitator), [held.id, reported.id], "approve")

    assert response.status_code == 200
    assert "You can undo this for 5 minutes." in text_of(response)
    assert post_by_id(held_post.id).state == "visible"
    assert item_by_id(held.id).resolution == "approved"
    assert item_by_id(reported.id).resolution == "approved"
    assert item_by_id(untouched.id).state == "open"
    rows = log_rows()
    assert sorted(r.review_item_id for r in rows) == sorted([held.id, reported.id])
    assert {r.action for r in rows} == {"approve"}


def test_bulk_hide_needs_a_reason(app, scene):
    item = report(scene.post, scene.member)
    facilitator = logged_in(app, scene.facilitator)

    response = _bulk(facilitator, [item.id], "hide", reason="  ")

    assert response.status_code == 302
    assert "Please give a reason for hiding" in " ".join(flashes(text_of(facilitator.get("/"))))
    assert item_by_id(item.id).state == "open"
    assert post_by_id(scene.post.id).state == "visible"
    assert log_count() == 0


def test_bulk_hide_hides_every_selected_post_with_the_reason(app, scene):
    one = report(scene.post, scene.member)
    other_post = make_reply(scene.thread, scene.author, "Another reply.")
    two = report(other_post, scene.member, "spam")

    response = _bulk(logged_in(app, scene.facilitator), [one.id, two.id], "hide", "Off topic.")

    assert response.status_code == 200
    for post_id, item_id in ((scene.post.id, one.id), (other_post.id, two.id)):
        post = post_by_id(post_id)
        assert (post.state, post.hidden_reason) == ("hidden", "Off topic.")
        assert item_by_id(item_id).resolution == "hidden"
    assert [r.reason for r in log_rows(action="hide")] == ["Off topic.", "Off topic."]


def test_undo_of_a_bulk_hide_puts_posts_and_items_back_as_before(app, scene, run_worker):
    held_post = make_reply(scene.thread, scene.author, HELD_TEXT)
    assert run_worker()
    held = open_item(held_post)
    reported = report(scene.post, scene.member)
    facilitator = logged_in(app, scene.facilitator)
    bulk_id = _bulk_id(_bulk(facilitator, [held.id, reported.id], "hide", "Not allowed."))
    assert post_by_id(held_post.id).state == post_by_id(scene.post.id).state == "hidden"

    response = _undo(facilitator, bulk_id)

    assert response.status_code == 302
    assert "Undone: 2 item(s) are back in the queue." in flashes(text_of(facilitator.get("/")))
    assert post_by_id(held_post.id).state == "held"
    restored = post_by_id(scene.post.id)
    assert (restored.state, restored.hidden_reason) == ("visible", None)
    for item_id in (held.id, reported.id):
        item = item_by_id(item_id)
        assert (item.state, item.resolution, item.resolved_by_id) == ("open", None, None)
    assert {held.id, reported.id} <= set(queue_item_ids(text_of(facilitator.get("/review"))))
    assert len(log_rows(action="undo_hide")) == 2


def test_undo_of_a_bulk_approve_reopens_the_items(app, scene):
    item = report(scene.post, scene.member)
    facilitator = logged_in(app, scene.facilitator)
    bulk_id = _bulk_id(_bulk(facilitator, [item.id], "approve"))

    assert _undo(facilitator, bulk_id).status_code == 302

    assert item_by_id(item.id).state == "open"
    assert post_by_id(scene.post.id).state == "visible"


def test_undo_after_five_minutes_is_refused(app, scene):
    item = report(scene.post, scene.member)
    facilitator = logged_in(app, scene.facilitator)
    bulk_id = _bulk_id(_bulk(facilitator, [item.id], "hide", "Not allowed."))
    db.session.execute(
        update(BulkAction)
        .where(BulkAction.id == bulk_id)
        .values(undo_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    rows_before = log_count()

    _undo(facilitator, bulk_id)

    assert "It is too late to undo" in " ".join(flashes(text_of(facilitator.get("/"))))
    assert item_by_id(item.id).state == "resolved"
    assert post_by_id(scene.post.id).state == "hidden"
    assert log_count() == rows_before


def test_undo_by_another_facilitator_is_refused(app, scene):
    item = report(scene.post, scene.member)
    bulk_id = _bulk_id(_bulk(logged_in(app, scene.facilitator), [item.id], "hide", "No."))
    rows_before = log_count()
    second = logged_in(app, scene.second_facilitator)

    _undo(second, bulk_id)

    assert "There is no such bulk action of yours." in flashes(text_of(second.get("/")))
    assert item_by_id(item.id).state == "resolved"
    assert post_by_id(scene.post.id).state == "hidden"
    assert log_count() == rows_before


def test_undo_twice_is_refused(app, scene):
    item = report(scene.post, scene.member)
    facilitator = logged_in(app, scene.facilitator)
    bulk_id = _bulk_id(_bulk(facilitator, [item.id], "hide", "No."))
    _undo(facilitator, bulk_id)
    rows_before = log_count()

    _undo(facilitator, bulk_id)

    assert "already undone" in " ".join(flashes(text_of(facilitator.get("/"))))
    assert log_count() == rows_before
    assert db.session.scalar(select(ReviewItem.state).where(ReviewItem.id == item.id)) == "open"


def test_undo_after_a_new_report_folds_it_into_the_reopened_item(app, scene):
    item = report(scene.post, scene.member, "spam")
    facilitator = logged_in(app, scene.facilitator)
    bulk_id = _bulk_id(_bulk(facilitator, [item.id], "approve"))
    newer = report(post_by_id(scene.post.id), scene.second_facilitator, "harassment")
    assert newer.id != item.id

    response = _undo(facilitator, bulk_id)

    assert response.status_code == 302
    reopened = item_by_id(item.id)
    assert (reopened.state, reopened.lane) == ("open", "red")
    assert sorted(f.category for f in flags_of(item.id)) == ["harassment", "spam"]
    assert flags_of(newer.id) == []
    assert (item_by_id(newer.id).state, item_by_id(newer.id).resolution) == ("resolved", "merged")
    assert queue_item_ids(text_of(facilitator.get("/review"))) == [item.id]


def test_two_bulk_actions_on_the_same_items_at_the_same_moment_act_once(app, scene):
    item_id = report(scene.post, scene.member).id
    first = logged_in(app, scene.facilitator)
    second = logged_in(app, scene.second_facilitator)

    results = run_together(
        lambda: _bulk(first, [item_id], "approve"),
        lambda: _bulk(second, [item_id], "hide", "Unkind."),
        hold=item_id,
    )

    assert sorted(r.status_code for r in results) == [200, 302]
    loser = second if results[1].status_code == 302 else first
    told = " ".join(flashes(text_of(loser.get("/"))))
    # Caught mid-write, or (had the other finished first) refused as already handled.
    assert "Another facilitator acted on this item" in told or "could be changed" in told
    [row] = log_rows()
    assert item_by_id(item_id).resolution == {"approve": "approved", "hide": "hidden"}[row.action]
    assert db.session.scalar(select(func.count()).select_from(BulkAction)) == 1
