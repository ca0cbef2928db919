"""Reply intent: the author of a thread says what would help, when starting it or later;
everyone sees it above the reply box; only the author may change it (on the server)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.posts import services as posts
from forum.posts.intent import NotThreadAuthor, set_reply_intent
from forum.posts.models import Thread
from tests.anonymity.helpers import anonymous_thread, make_board
from tests.conftest import csrf_from, post_form
from tests.factories import UserFactory, make_thread
from tests.reactions.helpers import browser, fresh, thread_page

LISTENING = (
    "The author would like: <strong>just listening</strong> — please listen rather than advise."
)


@pytest.fixture
def cedar(ctx):
    return UserFactory(pseudonym="Cedar")


def _intent_of(thread_id: int) -> str | None:
    fresh()
    return db.session.get(Thread, thread_id).reply_intent


def _change(client, thread_id: int, choice: str):  # type: ignore[no-untyped-def]
    data = {"intent-reply_intent": choice, "intent-csrf_token": csrf_from(client)}
    return client.post(f"/t/{thread_id}/intent", data=data)


def _new_thread(client, **fields: str):  # type: ignore[no-untyped-def]
    data = {"title": "Panic at work", "body": "It happened again today.", **fields}
    return post_form(client, "/b/anxiety/new", data)


def _newest_thread() -> Thread:
    fresh()
    return db.session.scalar(select(Thread).order_by(Thread.id.desc()).limit(1))


def test_the_new_thread_form_offers_an_optional_choice(app, board, ash):
    page = browser(app, ash).get("/b/anxiety/new").get_data(as_text=True)

    select_html = re.search(r'<select[^>]*name="reply_intent".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\w*)"', select_html) == [
        "", "listening", "advice", "experiences",
    ]  # fmt: skip
    assert '<label for="reply_intent">What would help most?</label>' in page


def test_a_thread_started_with_an_intent_shows_it_above_the_reply_box(app, board, ash, cedar):
    assert _new_thread(browser(app, ash), reply_intent="listening").status_code == 302
    thread = _newest_thread()
    assert thread.reply_intent == "listening"

    page = thread_page(browser(app, cedar), thread.id)

    reply_box = page.split('id="reply-heading"', 1)[1]
    assert LISTENING in reply_box
    assert reply_box.index(LISTENING) < reply_box.index("<textarea")
    assert "/intent" not in page  # Cedar gets no form to change it


def test_without_a_choice_there_is_no_intent_line(app, board, ash, cedar):
    assert _new_thread(browser(app, ash)).status_code == 302
    thread = _newest_thread()

    assert thread.reply_intent is None
    assert "would like" not in thread_page(browser(app, cedar), thread.id)


def test_an_unknown_intent_is_refused_and_nothing_is_lost(app, board, ash):
    response = _new_thread(browser(app, ash), reply_intent="fix-me")

    assert response.status_code == 400
    assert "Please choose one of the options." in response.get_data(as_text=True)
    assert "It happened again today." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_the_author_changes_it_on_the_thread_page(app, board, ash):
    thread = make_thread(board, ash)
    client = browser(app, ash)
    page = thread_page(client, thread.id)
    assert f'action="/t/{thread.id}/intent"' in page
    assert "Say what would help (optional)" in page

    response = _change(client, thread.id, "experiences")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/t/{thread.id}#reply-heading")
    assert _intent_of(thread.id) == "experiences"
    page = thread_page(client, thread.id)
    assert "You asked for: <strong>shared experiences</strong>" in page
    assert "Change what would help" in page


def test_the_author_can_clear_it(app, board, ash):
    thread = posts.create_thread(board, ash, "A title", "A body.", reply_intent="advice")
    db.session.commit()

    assert _change(browser(app, ash), thread.id, "").status_code == 302

    assert _intent_of(thread.id) is None


@pytest.mark.parametrize("role", ["member", "facilitator", "admin"])
def test_nobody_but_the_author_may_change_it(app, board, ash, role):
    thread = posts.create_thread(board, ash, "A title", "A body.", reply_intent="listening")
    other = UserFactory(is_admin=role == "admin")
    if role == "facilitator":
        grant_facilitator(other, board)
    db.session.commit()
    client = browser(app, other)

    assert "/intent" not in thread_page(client, thread.id)
    assert _change(client, thread.id, "advice").status_code == 403
    assert _intent_of(thread.id) == "listening"


def test_a_change_needs_a_csrf_token(app, board, ash):
    thread = make_thread(board, ash)

    response = browser(app, ash).post(
        f"/t/{thread.id}/intent", data={"intent-reply_intent": "advice"}
    )

    assert response.status_code == 400
    assert _intent_of(thread.id) is None


def test_an_unknown_choice_is_refused_on_change(app, board, ash):
    thread = make_thread(board, ash)

    assert _change(browser(app, ash), thread.id, "everything").status_code == 400
    assert _intent_of(thread.id) is None


def test_a_thread_others_cannot_see_is_not_found(app, board, ash, cedar):
    thread = make_thread(board, ash)
    posts.get_post(thread.first_post.id).hold()
    db.session.commit()

    assert _change(browser(app, cedar), thread.id, "advice").status_code == 404
    assert _change(browser(app, cedar), 987654, "advice").status_code == 404


def test_an_anonymous_author_sets_it_and_others_see_it_without_the_author(app, ash, cedar):
    anonymous = make_board("allowed", slug="grief", name="Grief")
    thread = anonymous_thread(anonymous, ash, title="Missing her")

    assert _change(browser(app, ash), thread.id, "listening").status_code == 302

    page = thread_page(browser(app, cedar), thread.id)
    assert LISTENING in page
    assert not re.search(r"\bAsh\b", page) and "/intent" not in page


def test_the_service_refuses_everyone_but_the_author(board, ash, cedar):
    thread = make_thread(board, ash)

    with pytest.raises(NotThreadAuthor):
        set_reply_intent(thread, cedar, "advice")
    thread.author_id = None  # a former member's thread: nobody may change it
    with pytest.raises(NotThreadAuthor):
        set_reply_intent(thread, ash, "advice")
