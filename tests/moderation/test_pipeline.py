"""The screening pipeline end to end: every post and edit screened by a real rq job after
commit, jobs that carry only ids and can run twice, and the submit-time pre-check."""

from __future__ import annotations

import html
import pickle
import re
import zlib
from datetime import timedelta

import pytest
from rq.job import Job

from forum.boards.models import Board
from forum.db import utcnow
from forum.extensions import db, get_jobs
from forum.moderation import jobs, pipeline
from forum.moderation.models import Flag, Screening
from forum.moderation.rules import import_rules
from forum.posts import services
from forum.posts.models import Post, PostRevision, Thread
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.moderation.helpers_pipeline import (
    CRISIS_TEXT,
    HARMLESS_TEXT,
    count,
    edit,
    flags_of,
    items_of,
    latest_post,
    logged_in,
    reply,
    revisions_of,
    rule_keys,
    screening_of,
    screenings_of,
    start_thread,
)


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="anxiety", name="Anxiety")


@pytest.fixture
def member(ctx):
    return UserFactory(pseudonym="Rowan")


@pytest.fixture
def regular(board, member):
    """A member with a screened earlier post, so their next post is not a first post."""
    thread = make_thread(board, member, "Sleepless nights", "Anyone else up at 3am?")
    return member, thread


@pytest.fixture
def browser(app, member):
    return logged_in(app, member)


def _textarea(page: str) -> str:
    match = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no body textarea"
    return html.unescape(match.group(1)).lstrip("\r\n")


# Every post and edit is screened after commit ----------------------------------------------


def test_new_post_is_pending_after_commit_and_done_once_the_worker_ran(browser, board, run_worker):
    response = start_thread(browser, "anxiety", HARMLESS_TEXT)

    assert response.status_code == 302
    post = latest_post()
    (revision,) = revisions_of(post)
    screening = screening_of(revision.id)
    assert (screening.state, screening.attempts, screening.post_id) == ("pending", 0, post.id)
    assert get_jobs().queue.fetch_job(f"screen-{revision.id}") is not None

    assert run_worker()

    screening = screening_of(revision.id)
    assert (screening.state, screening.attempts) == ("done", 1)
    assert screening.finished_at is not None


def test_crisis_post_opens_a_crisis_review_item_whose_flag_names_the_words(
    board, regular, run_worker
):
    member, thread = regular
    run_worker()
    post = make_reply(thread, member, CRISIS_TEXT)

    assert run_worker()

    (item,) = items_of(post)
    assert (item.state, item.lane) == ("open", "crisis")
    assert (item.board_id, item.author_id, item.snapshot_text) == (board.id, member.id, CRISIS_TEXT)
    crisis = [flag for flag in flags_of(post) if flag.lane == "crisis"]
    assert crisis, "no crisis flag"
    assert all(flag.review_item_id == item.id and flag.source == "screening" for flag in crisis)
    assert any("kill myself" in flag.reason for flag in crisis)
    assert crisis[0].revision_id == revisions_of(post)[0].id


def test_harmless_reply_of_a_regular_member_opens_no_review_item(board, regular, run_worker):
    member, thread = regular
    run_worker()
    post = make_reply(thread, member, HARMLESS_TEXT)

    assert run_worker()

    assert screening_of(revisions_of(post)[0].id).state == "done"
    assert items_of(post) == []
    assert flags_of(post) == []


def test_first_post_of_a_new_member_lands_in_the_green_lane(browser, board, run_worker):
    start_thread(browser, "anxiety", HARMLESS_TEXT)

    assert run_worker()

    post = latest_post()
    (item,) = items_of(post)
    assert (item.state, item.lane) == ("open", "green")
    (flag,) = flags_of(post)
    assert (flag.rule_key, flag.category, flag.lane) == (
        "context.first-post",
        "new_member",
        "green",
    )
    assert "first post" in flag.reason


def test_an_edit_is_a_new_revision_that_is_screened_again(app, board, regular, run_worker):
    member, thread = regular
    post = make_reply(thread, member, HARMLESS_TEXT)
    run_worker()
    browser = logged_in(app, member)

    response = edit(browser, post.id, CRISIS_TEXT)

    assert response.status_code == 302
    first, second = screenings_of(post)
    assert (first.state, second.state) == ("done", "pending")
    assert run_worker()
    first, second = screenings_of(post)
    assert (first.state, second.state) == ("done", "done")
    revision_two = revisions_of(post)[1]
    assert (second.revision_id, revision_two.number) == (revision_two.id, 2)
    crisis = [flag for flag in flags_of(post) if flag.lane == "crisis"]
    assert crisis and all(flag.revision_id == revision_two.id for flag in crisis)
    assert items_of(post)[0].lane == "crisis"


def test_job_for_a_revision_edited_since_exits_stale_without_flags(app, board, regular, run_worker):
    member, thread = regular
    run_worker()
    post = make_reply(thread, member, CRISIS_TEXT)
    services.edit_post(post, HARMLESS_TEXT)
    db.session.commit()
    first, second = revisions_of(post)

    assert jobs.screen_revision(first.id) == "stale"

    assert screening_of(first.id).state == "done"
    assert flags_of(post) == []
    assert items_of(post) == []
    assert run_worker()  # the queued job for revision 1 is skipped, revision 2 is screened
    job = Job.fetch(f"screen-{first.id}", connection=get_jobs().redis)
    assert job.return_value() == "skipped"
    assert screening_of(second.id).state == "done"
    assert flags_of(post) == []


def test_stale_revision_is_marked_done_by_the_worker_without_flags(board, regular, run_worker):
    member, thread = regular
    run_worker()
    post = make_reply(thread, member, CRISIS_TEXT)
    services.edit_post(post, HARMLESS_TEXT)
    db.session.commit()
    first, second = revisions_of(post)

    assert run_worker()

    redis = get_jobs().redis
    assert Job.fetch(f"screen-{first.id}", connection=redis).return_value() == "stale"
    assert [s.state for s in screenings_of(post)] == ["done", "done"]
    assert not [flag for flag in flags_of(post) if flag.lane == "crisis"]


# One transaction; ids only -----------------------------------------------------------------


def test_rolled_back_post_leaves_no_post_no_screening_and_no_job(board, member):
    thread = services.create_thread(board, member, "Not kept", HARMLESS_TEXT)
    revision_id = revisions_of(thread.first_post)[0].id
    assert db.session.get(Screening, revision_id).state == "pending"  # written in the transaction
    assert get_jobs().queue.count == 0  # nothing is enqueued before commit

    db.session.rollback()

    assert count(Post) == count(Thread) == count(PostRevision) == count(Screening) == 0
    assert get_jobs().queue.count == 0
    assert get_jobs().queue.fetch_job(f"screen-{revision_id}") is None


def test_committed_post_enqueues_exactly_its_screen_job(board, member):
    thread = make_thread(board, member, "Kept", HARMLESS_TEXT)

    revision_id = revisions_of(thread.first_post)[0].id
    assert f"screen-{revision_id}" in get_jobs().queue.job_ids
    assert db.session.get(Screening, revision_id).state == "pending"


def test_screen_job_carries_only_the_revision_id(app, board, run_worker):
    UserFactory.create_batch(4)  # so that the author's id differs from the revision's
    author = UserFactory(pseudonym="Juniper_Quill")
    text = "My grandmother's lighthouse keeps its lamp lit all winter."
    thread = make_thread(board, author, "Lighthouse thoughts", text)
    revision_id = revisions_of(thread.first_post)[0].id
    assert author.id != revision_id

    job = Job.fetch(f"screen-{revision_id}", connection=get_jobs().redis)

    assert job.func_name == "forum.moderation.jobs.screen_revision"
    assert job.args == (revision_id,)
    assert author.id not in job.args
    assert job.kwargs == {}
    stored = get_jobs().redis.hgetall(job.key)
    payload = pickle.loads(zlib.decompress(stored[b"data"]))
    assert payload[2:] == ((revision_id,), {})
    everything = repr(payload) + repr({k: v for k, v in stored.items() if k != b"data"})
    for secret in ("lighthouse", "Lighthouse", "Juniper_Quill", "juniper_quill", "grandmother"):
        assert secret not in everything
    assert f"({revision_id})" in job.description  # the id, and nothing more, as arguments


# Idempotent --------------------------------------------------------------------------------


def _crisis_reply(regular, run_worker) -> tuple[Post, int]:
    member, thread = regular
    run_worker()
    post = make_reply(thread, member, CRISIS_TEXT)
    return post, revisions_of(post)[0].id


def test_running_the_job_function_twice_adds_nothing_the_second_time(regular, run_worker):
    post, revision_id = _crisis_reply(regular, run_worker)

    first = jobs.screen_revision(revision_id)
    flags_after_first = rule_keys(flags_of(post))
    second = jobs.screen_revision(revision_id)

    assert (first, second) == ("crisis", "skipped")
    assert rule_keys(flags_of(post)) == flags_after_first
    assert len(items_of(post)) == 1


def test_rescreening_a_screened_revision_adds_no_duplicate_flags(regular, run_worker):
    """A second run that gets past the done check (a redelivered job) meets the unique key."""
    post, revision_id = _crisis_reply(regular, run_worker)
    assert jobs.screen_revision(revision_id) == "crisis"
    flags_after_first = rule_keys(flags_of(post))
    assert flags_after_first

    screening = screening_of(revision_id)
    screening.state = "queued"
    db.session.commit()
    assert jobs.screen_revision(revision_id) == "crisis"

    assert rule_keys(flags_of(post)) == flags_after_first
    assert len(items_of(post)) == 1
    assert screening_of(revision_id).attempts == 2


def test_same_job_enqueued_and_worked_twice_adds_no_duplicate_flags(regular, run_worker):
    post, revision_id = _crisis_reply(regular, run_worker)
    assert pipeline.enqueue_screening_now(revision_id)  # already waiting: collapses into one
    assert get_jobs().queue.job_ids.count(f"screen-{revision_id}") == 1
    assert run_worker()
    flags_after_first = rule_keys(flags_of(post))

    screening = screening_of(revision_id)
    screening.state = "queued"  # as if the sweeper had re-enqueued it meanwhile
    db.session.commit()
    assert pipeline.enqueue_screening_now(revision_id)
    assert run_worker()

    assert rule_keys(flags_of(post)) == flags_after_first
    assert count(Flag, Flag.post_id == post.id) == len(flags_after_first)
    assert len(items_of(post)) == 1
    assert screening_of(revision_id).state == "done"


# Submit-time pre-check ---------------------------------------------------------------------


def test_crisis_post_sends_the_author_to_support_with_a_link_to_the_saved_post(browser, board):
    response = start_thread(browser, "anxiety", CRISIS_TEXT)

    post = latest_post()
    assert post.body_source == CRISIS_TEXT  # saved
    assert response.status_code == 302
    assert response.location == f"/support?post={post.id}"
    page = browser.get(response.location).get_data(as_text=True)
    assert "Your post is saved" in page
    assert f'href="/p/{post.id}"' in page
    assert "Samaritans" in page and "988" in page  # the crisis resources


def test_crisis_reply_also_sends_the_author_to_support(app, board, regular):
    member, thread = regular
    browser = logged_in(app, member)

    response = reply(browser, thread.id, "Honestly I can't go on like this, I want to die.")

    post = latest_post()
    assert post.number == 2
    assert response.location == f"/support?post={post.id}"


def test_editing_a_post_to_crisis_text_sends_the_author_to_support(app, board, regular):
    member, thread = regular
    post = make_reply(thread, member, HARMLESS_TEXT)
    browser = logged_in(app, member)

    response = edit(browser, post.id, CRISIS_TEXT)

    assert response.location == f"/support?post={post.id}"
    assert latest_post().body_source == CRISIS_TEXT
    assert "Your post is saved" in browser.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(
    "text",
    ["You can email me at sam.jones@example.com if you like.",
     "Text me on 07700 900123 any time tonight."],
    ids=["email", "phone"],
)  # fmt: skip
def test_personal_information_brings_the_form_back_with_a_warning_and_the_text(
    browser, board, text
):
    response = start_thread(browser, "anxiety", text)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "may contain personal information" in page
    assert 'name="confirm_personal_info"' in page
    assert _textarea(page) == text
    assert count(Post) == count(Thread) == count(Screening) == 0


def test_ticking_the_personal_information_box_posts_it(browser, board):
    text = "You can email me at sam.jones@example.com if you like."
    start_thread(browser, "anxiety", text)

    response = start_thread(browser, "anxiety", text, confirm_personal_info="y")

    assert response.status_code == 302
    assert latest_post().body_source == text
    assert count(Screening) == 1


def test_personal_information_in_a_reply_is_held_back_until_confirmed(app, board, regular):
    member, thread = regular
    browser = logged_in(app, member)
    text = "Call me on 07700 900123 if it gets bad."

    refused = reply(browser, thread.id, text)
    accepted = reply(browser, thread.id, text, confirm_personal_info="y")

    assert refused.status_code == 400
    assert _textarea(refused.get_data(as_text=True)) == text
    assert accepted.status_code == 302
    assert latest_post().body_source == text


def test_blocking_rule_refuses_the_post_with_its_message_and_keeps_the_text(browser, board):
    import_rules([{"key": "spam.buy-followers", "category": "spam", "lane": "amber",
                   "action": "block", "pattern": "buy followers now",
                   "message": "Adverts are not allowed on Kindred."}])  # fmt: skip
    db.session.commit()
    text = "Great deals: buy followers now at my shop"

    response = start_thread(browser, "anxiety", text)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Adverts are not allowed on Kindred." in page
    assert _textarea(page) == text
    assert count(Post) == count(Screening) == 0


def test_muted_member_is_told_until_when_they_cannot_post(browser, board, member):
    member.muted_until = utcnow() + timedelta(days=2)
    db.session.commit()
    until = f"{member.muted_until:%-d %B %Y, %H:%M} UTC"

    response = start_thread(browser, "anxiety", HARMLESS_TEXT)

    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert f"You can read Kindred but can't post until {until}." in page
    assert _textarea(page) == HARMLESS_TEXT
    assert count(Post) == 0


def test_member_can_post_again_once_the_mute_expired(browser, board, member):
    member.muted_until = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = start_thread(browser, "anxiety", HARMLESS_TEXT)

    assert response.status_code == 302
    assert count(Post) == 1


def test_blocked_and_refused_posts_enqueue_nothing(browser, board):
    start_thread(browser, "anxiety", "Email me at sam.jones@example.com")

    assert get_jobs().queue.count == 0
    assert db.session.scalar(db.select(Board.post_count)) == 0
