"""Board pre-moderation policies and facilitated hours: who sees a held post, and when a
post is held at all."""

from __future__ import annotations

import pytest

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation.rules import import_rules
from forum.notifications.models import Notification
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.moderation.helpers_pipeline import (
    HARASSMENT_TEXT,
    HARMLESS_TEXT,
    edit,
    facilitated_hours,
    hours_around_now,
    items_of,
    latest_post,
    logged_in,
    reply,
    start_thread,
    thread_of,
)

HELD_NOTE = "Waiting for a facilitator"
BANNER = "Facilitators are away right now"


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="grief", name="Grief and loss", moderation_mode="all")


@pytest.fixture
def open_board(ctx):
    return BoardFactory(slug="introductions", name="Introductions")


@pytest.fixture
def people(app, board):
    """The author, another member, a facilitator of the board and an admin, each logged in."""
    author, other, facilitator = (UserFactory(pseudonym=name) for name in
                                  ("Rowan", "Onlooker", "Wren"))  # fmt: skip
    admin = UserFactory(pseudonym="Sage", is_admin=True)
    grant_facilitator(facilitator, board)
    db.session.commit()
    return {
        name: logged_in(app, user)
        for name, user in (
            ("author", author),
            ("other", other),
            ("facilitator", facilitator),
            ("admin", admin),
        )  # fmt: skip
    } | {"author_user": author}


def _board_listing(client, slug: str) -> str:
    return client.get(f"/b/{slug}").get_data(as_text=True)


# Board policies ----------------------------------------------------------------------------


def test_held_first_post_is_shown_to_its_author_with_a_waiting_note(board, people):
    response = start_thread(people["author"], "grief", "Missing my dad today.", title="Dad")

    post = latest_post()
    assert (post.state, thread_of(post).is_hidden) == ("held", True)
    page = people["author"].get(response.location).get_data(as_text=True)
    assert response.status_code == 302
    assert "Missing my dad today." in page
    assert HELD_NOTE in page


@pytest.mark.parametrize("viewer", ["facilitator", "admin"])
def test_held_post_is_visible_to_facilitators_and_admins(board, people, viewer):
    start_thread(people["author"], "grief", "Missing my dad today.", title="Dad")
    post = latest_post()

    page = people[viewer].get(f"/t/{post.thread_id}")

    assert page.status_code == 200
    assert "Missing my dad today." in page.get_data(as_text=True)
    assert HELD_NOTE in page.get_data(as_text=True)
    assert people[viewer].get(f"/p/{post.id}").status_code == 302


def test_held_post_is_hidden_from_a_facilitator_of_another_board(app, board, open_board, people):
    elsewhere = UserFactory(pseudonym="Elsewhere")
    grant_facilitator(elsewhere, open_board)
    db.session.commit()
    start_thread(people["author"], "grief", "Missing my dad today.", title="Dad")
    post = latest_post()

    browser = logged_in(app, elsewhere)

    assert browser.get(f"/t/{post.thread_id}").status_code == 404
    assert browser.get(f"/p/{post.id}").status_code == 404


def test_held_first_post_hides_the_thread_from_other_members(board, people, run_worker):
    start_thread(people["author"], "grief", "Missing my dad today.", title="A thread about dad")
    post = latest_post()
    run_worker()

    other = people["other"]
    assert other.get(f"/t/{post.thread_id}").status_code == 404
    assert other.get(f"/p/{post.id}").status_code == 404
    assert "A thread about dad" not in _board_listing(other, "grief")


def test_held_reply_is_invisible_to_other_members_but_the_thread_is_not(board, people):
    author = people["author_user"]
    board.moderation_mode = "post"
    db.session.commit()
    thread = make_thread(board, author, "An open thread", "Everyone can read this.")
    board.moderation_mode = "all"
    db.session.commit()

    reply(people["author"], thread.id, "This reply waits for a facilitator.")
    held = latest_post()

    assert held.state == "held"
    assert not thread_of(held).is_hidden
    others_page = people["other"].get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Everyone can read this." in others_page
    assert "This reply waits for a facilitator." not in others_page
    assert f'id="p{held.id}"' not in others_page
    assert people["other"].get(f"/p/{held.id}").status_code == 404
    authors_page = people["author"].get(f"/t/{thread.id}").get_data(as_text=True)
    assert "This reply waits for a facilitator." in authors_page


def test_board_counters_leave_held_posts_out_once_the_worker_ran(
    board, open_board, people, run_worker
):
    starter = UserFactory(pseudonym="Starter")
    board.moderation_mode = "post"
    db.session.commit()
    thread = make_thread(board, starter, "Visible thread", "Hello all.")
    board.moderation_mode = "all"
    db.session.commit()
    start_thread(people["author"], "grief", "A held thread opening.", title="Held thread")
    reply(people["author"], thread.id, "A held reply.")

    assert run_worker()

    db.session.refresh(board)
    assert (board.thread_count, board.post_count) == (1, 1)
    home = people["other"].get("/").get_data(as_text=True)
    assert "1 thread</span>" in home and "1 post</span>" in home


def test_new_members_board_holds_posts_until_the_member_has_enough_visible_posts(
    app, open_board, run_worker
):
    held_board = BoardFactory(slug="newcomers", moderation_mode="new-members", new_member_posts=2)
    member = UserFactory(pseudonym="Newcomer")
    browser = logged_in(app, member)

    start_thread(browser, "newcomers", "My first words here.", title="Hello")
    assert latest_post().state == "held"
    welcome = make_thread(open_board, member, "Saying hi", "Hi everyone.")  # 1 visible post
    start_thread(browser, "newcomers", "Still finding my feet.", title="Second")
    assert latest_post().state == "held"  # a held post does not count towards the two

    make_reply(welcome, member, "Thanks for the welcome.")  # 2 visible posts now
    start_thread(browser, "newcomers", "Now I can post straight away.", title="Update")

    post = latest_post()
    assert (post.state, thread_of(post).board_id) == ("visible", held_board.id)
    assert run_worker()
    assert latest_post().state == "visible"


def test_new_members_board_does_not_hold_an_established_member(app, open_board):
    BoardFactory(slug="newcomers", moderation_mode="new-members", new_member_posts=1)
    member = UserFactory(pseudonym="Regular")
    make_thread(open_board, member, "Been here a while", "Hello again.")
    browser = logged_in(app, member)

    start_thread(browser, "newcomers", "Posting on the newcomers board.", title="Hi")

    assert latest_post().state == "visible"


def test_post_board_does_not_hold_anything(app, open_board):
    browser = logged_in(app, UserFactory())

    start_thread(browser, "introductions", HARMLESS_TEXT)

    assert latest_post().state == "visible"


def test_rule_with_the_hold_action_holds_the_post_once_screened(app, open_board, run_worker):
    import_rules([{"key": "medication.doses", "category": "medication", "lane": "amber",
                   "action": "hold", "pattern": "double my dose"}])  # fmt: skip
    db.session.commit()
    starter = UserFactory()
    thread = make_thread(open_board, starter, "Meds", "How are your meds going?")
    browser = logged_in(app, UserFactory())

    reply(browser, thread.id, "I might double my dose tonight to sleep.")
    post = latest_post()
    assert post.state == "visible"  # shown at once, until the screen job runs
    assert run_worker()

    assert latest_post().state == "held"
    assert "double my dose" not in logged_in(app, starter).get(f"/t/{thread.id}").get_data(
        as_text=True
    )
    db.session.refresh(open_board)
    assert open_board.post_count == 1


# Facilitated hours -------------------------------------------------------------------------


@pytest.fixture
def harassment_setup(app, open_board, run_worker):
    """A thread by one member, and a logged-in second member who has posted before."""
    starter, rude = UserFactory(pseudonym="Starter"), UserFactory(pseudonym="Rude")
    thread = make_thread(open_board, starter, "Bad week", "Rough week, anyone else?")
    make_reply(thread, rude, "Yes, same here.")
    run_worker()
    return thread, logged_in(app, rude), logged_in(app, starter)


def test_outside_facilitated_hours_every_page_shows_the_away_banner(app, open_board, client):
    browser = logged_in(app, UserFactory())
    with facilitated_hours(hours_around_now(inside=False)):
        pages = [browser.get(url) for url in ("/", "/b/introductions", "/settings")]
        login_page = client.get("/login")

    for page in [*pages, login_page]:
        assert page.status_code == 200
        assert BANNER in page.get_data(as_text=True)


def test_inside_facilitated_hours_there_is_no_banner(app, open_board):
    browser = logged_in(app, UserFactory())
    with facilitated_hours(hours_around_now(inside=True)):
        page = browser.get("/").get_data(as_text=True)

    assert BANNER not in page


def test_red_lane_post_is_held_outside_facilitated_hours(harassment_setup, run_worker):
    thread, rude, starter = harassment_setup
    with facilitated_hours(hours_around_now(inside=False)):
        response = reply(rude, thread.id, HARASSMENT_TEXT)
        post = latest_post()
        assert (response.status_code, post.state) == (302, "visible")  # until screened
        assert run_worker()

    post = latest_post()
    assert post.state == "held"
    (item,) = items_of(post)
    assert (item.lane, item.state) == ("red", "open")
    assert HARASSMENT_TEXT not in starter.get(f"/t/{thread.id}").get_data(as_text=True)
    assert HARASSMENT_TEXT in rude.get(f"/t/{thread.id}").get_data(as_text=True)
    notes = db.session.scalars(
        db.select(Notification).where(Notification.user_id == post.author_id)
    ).all()
    assert any("waiting for a facilitator" in note.text for note in notes)


def test_post_held_by_screening_after_an_edit_leaves_the_board_counters(
    app, harassment_setup, open_board, run_worker
):
    thread, rude, _ = harassment_setup
    earlier = latest_post()  # the rude member's first, harmless reply
    db.session.refresh(open_board)
    assert open_board.post_count == 2
    with facilitated_hours(hours_around_now(inside=False)):
        edit(rude, earlier.id, HARASSMENT_TEXT)
        assert run_worker()

    assert latest_post().state == "held"
    db.session.refresh(open_board)
    assert (open_board.thread_count, open_board.post_count) == (1, 1)


def test_red_lane_post_stays_visible_inside_facilitated_hours(harassment_setup, run_worker):
    thread, rude, starter = harassment_setup
    with facilitated_hours(hours_around_now(inside=True)):
        reply(rude, thread.id, HARASSMENT_TEXT)
        assert run_worker()

    post = latest_post()
    assert post.state == "visible"
    (item,) = items_of(post)
    assert (item.lane, item.state) == ("red", "open")


def test_harmless_post_is_not_held_outside_facilitated_hours(harassment_setup, run_worker):
    thread, rude, _ = harassment_setup
    with facilitated_hours(hours_around_now(inside=False)):
        reply(rude, thread.id, HARMLESS_TEXT)
        assert run_worker()

    assert latest_post().state == "visible"
    assert items_of(latest_post()) == []


def test_a_post_held_by_board_policy_waits_in_the_queue_even_unflagged(board, people):
    start_thread(people["author"], board.slug, HARMLESS_TEXT)
    post = latest_post()

    [item] = items_of(post)
    assert (item.state, item.lane) == ("open", "amber")
    queue_page = people["facilitator"].get("/review").get_data(as_text=True)
    assert f'href="/review/{item.id}"' in queue_page
    item_page = people["facilitator"].get(f"/review/{item.id}").get_data(as_text=True)
    assert "held for review: this board pre-moderates every post" in item_page
