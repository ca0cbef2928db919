"""Unanswered threads: nobody but their author has replied yet. /unanswered lists them
oldest first, the home page shows the five oldest, and facilitators see how long each
has waited. A reply under the author's other identity counts as an answer, so the list
never shows that an anonymous post is the author's."""

from __future__ import annotations

import importlib.util
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from forum.boards.services import grant_facilitator
from forum.config import REPO_ROOT
from forum.db import utcnow
from forum.extensions import db
from forum.moderation import actions
from forum.moderation.models import ReviewItem
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from forum.posts.unanswered import waited
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import count_queries, logged_in

ROW = re.compile(r'<li class="thread-row">\s*<a class="thread-title" href="/t/(\d+)">')
PER_PAGE = 30  # FORUM_THREADS_PER_PAGE


@pytest.fixture
def birch(ctx):
    return UserFactory(pseudonym="Birch")


def _aged(thread: Thread, hours: float) -> Thread:
    """Pretend the thread was started `hours` ago."""
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(created_at=utcnow() - timedelta(hours=hours))
    )
    db.session.commit()
    return thread


def _listed(client, url: str = "/unanswered") -> list[int]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return [int(found) for found in ROW.findall(response.get_data(as_text=True))]


def _page(client, url: str = "/unanswered") -> str:  # type: ignore[no-untyped-def]
    return client.get(url).get_data(as_text=True)


def _row(page: str, thread_id: int) -> str:
    match = re.search(
        rf'<li class="thread-row">\s*<a [^>]*href="/t/{thread_id}".*?</li>', page, re.S
    )
    assert match, f"thread {thread_id} is not listed"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_threads_nobody_answered_are_listed_oldest_first(app, board, ash, birch):
    newer = _aged(make_thread(board, ash, title="Newer"), 1)
    oldest = _aged(make_thread(board, birch, title="Oldest"), 30)
    middle = _aged(make_thread(board, ash, title="Middle"), 5)

    assert _listed(logged_in(app, birch)) == [oldest.id, middle.id, newer.id]


def test_the_page_needs_a_login(client):
    response = client.get("/unanswered")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_reply_by_someone_else_answers_a_thread(app, board, ash, birch):
    answered = make_thread(board, ash, title="Answered")
    waiting = make_thread(board, ash, title="Waiting")
    make_reply(answered, birch)

    assert _listed(logged_in(app, ash)) == [waiting.id]
    assert db.session.get(Thread, answered.id).answered_at is not None


def test_the_authors_own_reply_does_not_count_as_an_answer(app, board, ash, birch):
    thread = make_thread(board, ash)
    make_reply(thread, ash, "Adding a little more.")
    make_reply(thread, ash, "And more.")

    assert _listed(logged_in(app, birch)) == [thread.id]


def test_an_anonymous_authors_own_anonymous_reply_does_not_count(app, ash, birch):
    anonymous = BoardFactory(anonymous_policy="forced")
    thread = make_thread(anonymous, ash)
    make_reply(thread, ash, "Still me, same alias.")

    page = _page(logged_in(app, birch))
    assert [int(i) for i in ROW.findall(page)] == [thread.id]
    assert thread.anon_alias in _row(page, thread.id)
    assert not re.search(r"\bAsh\b", page)


def test_the_author_replying_under_their_other_identity_answers_the_thread(app, board, ash, birch):
    """Else the list would tell everyone that the other-looking reply is the author's."""
    named = make_thread(board, ash, title="Named thread")
    posts.create_reply(named, ash, "An anonymous reply of the author's.", anonymous=True)
    anonymous = posts.create_thread(board, ash, "Anonymous thread", "Hi.", anonymous=True)
    posts.create_reply(anonymous, ash, "A named reply of the author's.")
    db.session.commit()

    assert _listed(logged_in(app, birch)) == []


def test_a_held_reply_answers_only_once_approved(app, ash, birch):
    strict = BoardFactory(moderation_mode="all")
    facilitator = UserFactory()
    grant_facilitator(facilitator, strict)
    thread = make_thread(strict, ash)
    db.session.get(Post, thread.first_post.id).publish()
    db.session.commit()
    held = make_reply(thread, birch)
    assert held.state == "held"
    client = logged_in(app, birch)
    assert _listed(client) == [thread.id]

    item = db.session.scalar(select(ReviewItem).where(ReviewItem.post_id == held.id))
    actions.approve(item, facilitator, item.version)
    db.session.commit()

    assert _listed(client) == []


@pytest.mark.parametrize("change", ["held", "hidden", "locked", "pinned", "withdrawn", "archived"])
def test_threads_nobody_can_or_need_answer_are_left_out(app, board, ash, birch, change):
    thread = make_thread(board, ash)
    opening = db.session.get(Post, thread.first_post.id)
    if change == "held":
        opening.hold()
    elif change == "hidden":
        opening.hide("Off-topic.")
    elif change == "withdrawn":
        posts.withdraw_post(opening)
    elif change == "archived":
        board.archived_at = utcnow()
    else:
        setattr(db.session.get(Thread, thread.id), f"is_{change}", True)
    db.session.commit()
    other = make_thread(BoardFactory(), birch)

    assert _listed(logged_in(app, birch)) == [other.id]


def test_a_hidden_answer_does_not_put_the_thread_back(app, board, ash, birch):
    thread = make_thread(board, ash)
    reply = make_reply(thread, birch)
    db.session.get(Post, reply.id).hide("Unkind.")
    db.session.commit()

    assert _listed(logged_in(app, ash)) == []


def test_rows_show_the_board_the_author_and_the_reply_intent(app, board, ash, birch):
    thread = posts.create_thread(board, ash, "Panic", "Again.", reply_intent="listening")
    db.session.commit()

    row = _row(_page(logged_in(app, birch)), thread.id)

    assert row.startswith("Panic just listening in Anxiety · by Ash · started")


def test_pages_go_on_with_a_cursor(app, board, ash):
    threads = [_aged(make_thread(board, ash, title=f"Thread {i}"), 100 - i) for i in range(33)]
    client = logged_in(app, ash)
    page = _page(client)

    first = [int(i) for i in ROW.findall(page)]
    more = re.search(r'<a rel="next" href="([^"]+)">', page).group(1).replace("&amp;", "&")
    second = _listed(client, more)

    assert first == [t.id for t in threads[:PER_PAGE]]
    assert second == [t.id for t in threads[PER_PAGE:]]
    assert 'rel="next"' not in _page(client, more)


@pytest.mark.parametrize("cursor", ["nonsense", "1.x", "99999999999999999999999.1", "5.0"])
def test_a_bad_cursor_is_a_bad_request(app, ash, cursor):
    assert logged_in(app, ash).get(f"/unanswered?after={cursor}").status_code == 400


def test_facilitators_see_how_long_threads_on_their_boards_have_waited(app, board, ash, birch):
    other_board = BoardFactory(name="Grief")
    mine = _aged(make_thread(board, ash, title="Mine"), 3.2)
    theirs = _aged(make_thread(other_board, ash, title="Theirs"), 50)
    grant_facilitator(birch, board)
    db.session.commit()

    page = _page(logged_in(app, birch))

    assert "waiting 3 hours" in _row(page, mine.id)
    assert "waiting" not in _row(page, theirs.id)
    assert "started" in _row(page, theirs.id)


def test_admins_see_waiting_times_everywhere_and_members_nowhere(app, board, ash, birch):
    thread = _aged(make_thread(board, ash), 50)
    admin = UserFactory(is_admin=True)

    assert "waiting 2 days" in _row(_page(logged_in(app, admin)), thread.id)
    member_page = _page(logged_in(app, birch))
    assert "started" in _row(member_page, thread.id)
    assert 'class="waiting"' not in member_page


@pytest.mark.parametrize(
    ("elapsed", "words"),
    [
        (timedelta(seconds=20), "waiting under a minute"),
        (timedelta(minutes=1), "waiting 1 minute"),
        (timedelta(minutes=59), "waiting 59 minutes"),
        (timedelta(hours=1, minutes=59), "waiting 1 hour"),
        (timedelta(days=3, hours=5), "waiting 3 days"),
    ],
)
def test_waiting_times_read_naturally(elapsed, words):
    now = utcnow()
    assert waited(now - elapsed, now) == words


def test_the_home_page_shows_the_five_oldest(app, board, ash, birch):
    threads = [_aged(make_thread(board, ash, title=f"Thread {i}"), 10 - i) for i in range(7)]
    client = logged_in(app, birch)

    page = _page(client, "/")

    panel = page.split('aria-labelledby="unanswered-heading"', 1)[1].split("</section>", 1)[0]
    assert [int(i) for i in ROW.findall(panel)] == [t.id for t in threads[:5]]
    assert 'href="/unanswered"' in panel


def test_the_home_page_has_no_panel_for_visitors_or_when_all_are_answered(app, client, board, ash):
    thread = make_thread(board, ash)
    assert "unanswered-heading" not in _page(client, "/")

    make_reply(thread, UserFactory())

    assert "unanswered-heading" not in _page(logged_in(app, ash), "/")


def test_the_page_costs_the_same_queries_for_one_thread_or_thirty(app, board, ash, birch):
    grant_facilitator(birch, board)
    make_thread(board, ash)
    client = logged_in(app, birch)
    client.get("/unanswered")
    with count_queries() as one:
        client.get("/unanswered")
    for i in range(29):
        make_thread(BoardFactory() if i % 2 else board, UserFactory() if i % 3 else ash)

    with count_queries() as thirty:
        assert len(_listed(client)) == 30

    assert len(thirty) == len(one)


def test_the_migration_backfill_agrees_with_the_rule(app, board, ash, birch):
    """Existing threads get `answered_at` from their first answering reply."""
    quiet = make_thread(board, ash, title="Quiet")
    make_reply(quiet, ash)
    answered = make_thread(board, ash, title="Answered")
    make_reply(answered, birch)
    other_identity = make_thread(board, ash, title="Other identity")
    posts.create_reply(other_identity, ash, "Anonymously.", anonymous=True)
    db.session.commit()
    expected = dict(db.session.execute(select(Thread.id, Thread.answered_at.is_not(None))).all())
    path = REPO_ROOT / "migrations" / "versions" / "0004_reactions.py"
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    db.session.execute(update(Thread).values(answered_at=None))
    db.session.execute(text(f"UPDATE thread SET answered_at = ({migration._FIRST_ANSWER})"))
    db.session.commit()

    found = dict(db.session.execute(select(Thread.id, Thread.answered_at.is_not(None))).all())
    assert found == expected == {quiet.id: False, answered.id: True, other_identity.id: True}
