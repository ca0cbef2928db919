"""Member reports and "I'm worried about this person", through the pages a member uses."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import post_form
from tests.factories import UserFactory, make_reply
from tests.moderation.helpers_review import (
    CRISIS_TEXT,
    HELD_TEXT,
    flags_of,
    flashes,
    fresh,
    item_by_id,
    logged_in,
    main,
    notifications_of,
    open_item,
    queue_item_ids,
    report,
    text_of,
)

REASONS = {"guidelines", "personal_info", "spam", "harassment"}


def send_report(client, post_id, reason=None, details=""):  # type: ignore[no-untyped-def]
    url = f"/p/{post_id}/report"
    data = {"details": details} | ({"reason": reason} if reason is not None else {})
    return post_form(client, url, data)


def send_worry(client, post_id, details=""):  # type: ignore[no-untyped-def]
    return post_form(client, f"/p/{post_id}/worried", {"details": details})


def all_flags(post):  # type: ignore[no-untyped-def]
    item = open_item(post)
    return [] if item is None else flags_of(item.id)


def flash_after(client) -> str:  # type: ignore[no-untyped-def]
    return " ".join(flashes(text_of(client.get("/"))))


@pytest.mark.parametrize(
    ("reason", "category", "lane"),
    [
        ("guidelines", "guidelines", "amber"),
        ("personal_info", "personal_info", "amber"),
        ("spam", "spam", "green"),
        ("harassment", "harassment", "red"),
    ],
)
def test_a_report_creates_a_flag_in_the_right_lane(app, scene, reason, category, lane):
    member = logged_in(app, scene.member)

    response = send_report(member, scene.post.id, reason)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/p/{scene.post.id}"
    assert "the author will not know who reported it" in flash_after(member)
    [flag] = all_flags(scene.post)
    assert (flag.source, flag.category, flag.lane) == ("report", category, lane)
    assert flag.reporter_id == scene.member.id
    item = item_by_id(flag.review_item_id)
    assert (item.lane, item.state, item.board_id) == (lane, "open", scene.board.id)
    queue = text_of(logged_in(app, scene.facilitator).get(f"/review?lane={lane}"))
    assert queue_item_ids(queue) == [item.id]


def test_the_report_page_offers_the_closed_list_of_reasons(app, scene):
    page = text_of(logged_in(app, scene.member).get(f"/p/{scene.post.id}/report"))
    offered = set(re.findall(r'name="reason"[^>]*type="radio" value="(\w+)"', page))
    assert offered == REASONS
    assert "Some evenings I just sit with a cup of tea." in page  # the post being reported


@pytest.mark.parametrize(("reason", "error"), [("rude", "Not a valid choice"),
                                               (None, "Please choose a reason.")])  # fmt: skip
def test_a_report_needs_a_reason_from_the_list(app, scene, reason, error):
    response = send_report(logged_in(app, scene.member), scene.post.id, reason)
    assert response.status_code == 200
    assert error in text_of(response)
    assert open_item(scene.post) is None


def test_the_reporters_note_reaches_the_facilitators(app, scene):
    send_report(logged_in(app, scene.member), scene.post.id, "harassment", "Third time this week")
    [flag] = all_flags(scene.post)
    assert "Third time this week" in flag.reason
    page = text_of(logged_in(app, scene.facilitator).get(f"/review/{flag.review_item_id}"))
    assert "Third time this week" in page


def test_worried_about_this_person_goes_to_the_crisis_lane(app, scene):
    report(scene.post, scene.second_facilitator, "spam")  # already waiting, in green
    member = logged_in(app, scene.member)
    assert "reach out to them privately" in text_of(member.get(f"/p/{scene.post.id}/worried"))

    response = send_worry(member, scene.post.id, "They sound very low")

    assert response.status_code == 302
    assert "A facilitator will reach out." in flash_after(member)
    worried = [f for f in all_flags(scene.post) if f.reporter_id == scene.member.id]
    assert [(f.category, f.lane) for f in worried] == [("crisis", "crisis")]
    item = open_item(scene.post)
    assert item.lane == "crisis"
    queue = text_of(logged_in(app, scene.facilitator).get("/review"))
    assert queue_item_ids(queue)[0] == item.id


def test_a_member_cannot_report_their_own_post(app, scene):
    author = logged_in(app, scene.author)
    thread = text_of(author.get(f"/t/{scene.thread.id}"))
    own = re.search(rf'<article [^>]*id="p{scene.post.id}".*?</article>', thread, re.S).group(0)
    assert "/report" not in own and "/worried" not in own

    send_report(author, scene.post.id, "spam")
    assert "You can't report your own post" in flash_after(author)
    send_worry(author, scene.post.id)
    assert "You can't report your own post" in flash_after(author)
    assert open_item(scene.post) is None


def test_reporting_twice_is_refused_politely(app, scene):
    member = logged_in(app, scene.member)
    send_report(member, scene.post.id, "spam")
    flash_after(member)

    response = send_report(member, scene.post.id, "harassment")

    assert response.status_code == 302
    assert "You have already reported this post. Thank you" in flash_after(member)
    send_worry(member, scene.post.id)
    assert "already" in flash_after(member)
    [flag] = all_flags(scene.post)
    assert (flag.category, open_item(scene.post).lane) == ("spam", "green")


def test_reports_by_several_members_gather_on_one_item(app, scene):
    send_report(logged_in(app, scene.member), scene.post.id, "spam")
    send_report(logged_in(app, scene.second_facilitator), scene.post.id, "harassment")
    flags = all_flags(scene.post)
    assert len(flags) == 2
    assert len({f.review_item_id for f in flags}) == 1
    assert open_item(scene.post).lane == "red"


def test_the_author_never_learns_who_reported(app, scene, run_worker):
    reporter = UserFactory(pseudonym="WatchfulOwl")
    crisis_post = make_reply(scene.thread, scene.author, CRISIS_TEXT)
    assert run_worker()
    send_report(logged_in(app, reporter), scene.post.id, "harassment", "WatchfulOwl here")
    send_worry(logged_in(app, reporter), crisis_post.id, "note from WatchfulOwl")

    author = logged_in(app, scene.author)
    for path in (f"/t/{scene.thread.id}", f"/p/{scene.post.id}", "/notifications",
                 "/me/moderation", f"/u/{scene.author.pseudonym}"):  # fmt: skip
        response = author.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert "WatchfulOwl" not in text_of(response), path
    assert all("WatchfulOwl" not in n.text for n in notifications_of(scene.author))
    fresh()
    assert len(all_flags(scene.post)) == 1 and len(all_flags(crisis_post)) >= 2


def test_reporting_needs_an_account(app, scene):
    visitor = app.test_client()
    for path in (f"/p/{scene.post.id}/report", f"/p/{scene.post.id}/worried"):
        response = visitor.get(path)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"


def test_a_post_the_member_cannot_see_cannot_be_reported(app, scene, run_worker):
    held = make_reply(scene.thread, scene.author, HELD_TEXT)
    assert run_worker()
    member = logged_in(app, scene.member)
    assert member.get(f"/p/{held.id}/report").status_code == 404
    assert member.get(f"/p/{held.id}/worried").status_code == 404
    assert all(f.reporter_id is None for f in all_flags(held))


def test_the_report_page_is_offered_on_other_members_posts(app, scene):
    page = main(text_of(logged_in(app, scene.member).get(f"/t/{scene.thread.id}")))
    assert f'href="/p/{scene.post.id}/report"' in page
    assert f'href="/p/{scene.post.id}/worried"' in page
