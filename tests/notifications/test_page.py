"""The notifications page and the header badge: counts, opening one marks it read, mark
all read, pages of thirty, and a query count that does not grow with the list."""

from __future__ import annotations

import re

from forum.extensions import db
from forum.notifications.services import PAGE_SIZE, notify
from tests.conftest import post_form
from tests.notifications.helpers import (
    answer,
    logged_in,
    main_of,
    notes_of,
    start,
    text_of,
    unread_badge,
)
from tests.posts.helpers import build_replies, count_queries

NOTE_LINK = re.compile(r'href="/notifications/(\d+)"')


def _messages(user, count: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        notify(user.id, "facilitator_message", f"A message from the facilitators: note {i}.")
    db.session.commit()


def test_the_header_badge_counts_unread_notifications(app, forum):
    thread = start(forum.board, forum.ash)
    answer(thread, forum.birch)
    answer(thread, forum.cedar)
    assert unread_badge(text_of(logged_in(app, forum.ash).get("/"))) == "2"
    assert unread_badge(text_of(logged_in(app, forum.dale).get("/"))) is None


def test_the_badge_stops_counting_at_99(app, forum):
    _messages(forum.ash, 120)
    ash = logged_in(app, forum.ash)
    with count_queries() as statements:
        page = text_of(ash.get("/"))
    assert unread_badge(page) == "99+"
    counting = [s for s in statements if "FROM notification" in s]
    assert len(counting) == 1 and "LIMIT" in counting[0].upper()


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(app, forum):
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch)
    answer(thread, forum.cedar)
    ash = logged_in(app, forum.ash)
    [note] = [n for n in notes_of(forum.ash) if n.post_id == reply.id]

    response = ash.get(f"/notifications/{note.id}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{reply.id}"
    assert [n.read_at is not None for n in notes_of(forum.ash)] == [True, False]
    assert unread_badge(text_of(ash.get("/"))) == "1"


def test_the_page_links_each_notification_through_its_open_link(app, forum):
    thread = start(forum.board, forum.ash)
    answer(thread, forum.birch)
    page = main_of(text_of(logged_in(app, forum.ash).get("/notifications")))
    assert NOTE_LINK.findall(page) == [str(notes_of(forum.ash)[0].id)]


def test_nobody_can_open_someone_elses_notification(app, forum):
    thread = start(forum.board, forum.ash)
    answer(thread, forum.birch)
    [note] = notes_of(forum.ash)
    dale = logged_in(app, forum.dale)

    assert dale.get(f"/notifications/{note.id}").status_code == 404
    assert dale.get("/notifications/987654").status_code == 404
    assert dale.get("/notifications/99999999999").status_code == 404
    assert notes_of(forum.ash)[0].read_at is None


def test_a_link_off_the_site_is_never_followed(app, forum):
    note = notify(forum.ash.id, "facilitator_message", "A message.", "//elsewhere.example/x")
    db.session.commit()
    response = logged_in(app, forum.ash).get(f"/notifications/{note.id}")
    assert response.headers["Location"] == "/notifications"


def test_mark_all_as_read_clears_the_badge(app, forum):
    _messages(forum.ash, 3)
    ash = logged_in(app, forum.ash)

    response = post_form(ash, "/notifications/read", {}, page="/notifications")

    assert response.status_code == 302
    assert unread_badge(text_of(ash.get("/"))) is None
    assert all(n.read_at is not None for n in notes_of(forum.ash))
    assert ash.post("/notifications/read", data={}).status_code == 400  # no token


def test_the_page_shows_thirty_at_a_time_newest_first(app, forum):
    _messages(forum.ash, PAGE_SIZE + 5)
    ash = logged_in(app, forum.ash)

    first = main_of(text_of(ash.get("/notifications")))
    older = re.search(r'<a rel="next" href="(/notifications\?before=\d+)"', first)
    assert older, "no link to older notifications"
    second = main_of(text_of(ash.get(older.group(1).replace("&amp;", "&"))))

    assert first.count('<li class="notification') == PAGE_SIZE
    assert f"note {PAGE_SIZE + 4}." in first and "note 5." in first and "note 4." not in first
    assert second.count('<li class="notification') == 5
    assert "note 4." in second and "note 0." in second
    assert 'rel="next"' not in second and 'href="/notifications">Newest' in second
    assert ash.get("/notifications?before=x").status_code == 400


def _page_queries(app, forum) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Queries of Ash's notifications page, and the page."""
    ash = logged_in(app, forum.ash)
    ash.get("/notifications")  # warm caches (settings read once per process)
    with count_queries() as statements:
        page = text_of(ash.get("/notifications"))
    return len(statements), page


def test_notifications_page_runs_a_fixed_number_of_queries(app, forum):
    thread = start(forum.board, forum.ash)
    build_replies(thread, [forum.birch, forum.cedar], 3)
    few, page = _page_queries(app, forum)
    assert page.count('<li class="notification') == 3 and "Birch replied in" in page
    other = start(forum.board, forum.ash, "Another evening")
    build_replies(other, [forum.birch, forum.cedar, forum.dale], 60)
    build_replies(thread, [forum.dale], 2)

    many, page = _page_queries(app, forum)

    assert page.count('<li class="notification') == PAGE_SIZE
    assert many == few
