"""The author's consent: only they can answer, yes or no, and change their mind later;
anonymous posts are credited to their alias, never the pseudonym."""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.library.helpers import (
    HELPFUL,
    SECRET_HELP,
    accepted,
    answer,
    entry_of,
    listed_posts,
    nominate,
    nominated,
)
from tests.posts.helpers import logged_in, page_of, text_of


def test_the_consent_page_shows_the_post_and_the_credit(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    page = page_of(logged_in(app, scene.author), f"/what-helped/{entry.id}")
    assert "Add your post to What helped?" in page
    assert HELPFUL in page
    assert "It would be credited to <strong>BrightHarbour</strong>" in page
    assert 'name="answer" value="yes"' in page and 'name="answer" value="no"' in page
    assert scene.facilitator.pseudonym not in page.split("<main", 1)[1]


@pytest.mark.parametrize("who", ["reader", "facilitator", "admin", "anon_author"])
def test_only_the_author_can_see_or_answer(app, scene, who):
    entry = nominated(scene.post, scene.facilitator)
    client = logged_in(app, getattr(scene, who))
    assert client.get(f"/what-helped/{entry.id}").status_code == 404
    response = post_form(client, f"/what-helped/{entry.id}", {"answer": "yes"}, page="/")
    assert response.status_code == 404
    assert entry_of(scene.post).state == "nominated"


def test_logged_out_visitors_are_sent_to_log_in(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    response = app.test_client().get(f"/what-helped/{entry.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_saying_yes_adds_the_post_to_the_library(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    author = logged_in(app, scene.author)
    response = answer(author, entry.id, "yes")

    assert response.status_code == 302
    saved = entry_of(scene.post)
    assert saved.state == "accepted" and saved.decided_at is not None
    assert listed_posts(page_of(logged_in(app, scene.reader), "/b/sleep/what-helped")) == [
        scene.post.id
    ]
    assert "Thank you: your post is in What helped." in page_of(author, f"/what-helped/{entry.id}")


def test_saying_no_keeps_it_out_and_stops_further_suggestions(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    answer(logged_in(app, scene.author), entry.id, "no")

    assert entry_of(scene.post).state == "declined"
    assert listed_posts(page_of(logged_in(app, scene.reader), "/b/sleep/what-helped")) == []
    nominate(app, scene.admin, scene.post)
    assert entry_of(scene.post).state == "declined"


def test_the_author_can_withdraw_consent_later(app, scene):
    entry = accepted(scene.post, scene.facilitator)
    author = logged_in(app, scene.author)
    page = page_of(author, f"/what-helped/{entry.id}")
    assert "Take it out of What helped" in page and 'value="yes"' not in page

    answer(author, entry.id, "no")
    assert entry_of(scene.post).state == "declined"
    assert listed_posts(page_of(logged_in(app, scene.reader), "/b/sleep/what-helped")) == []


def test_the_author_can_change_their_mind_after_saying_no(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    author = logged_in(app, scene.author)
    answer(author, entry.id, "no")
    answer(author, entry.id, "yes")
    assert entry_of(scene.post).state == "accepted"


def test_an_answer_needs_a_csrf_token(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    response = logged_in(app, scene.author).post(f"/what-helped/{entry.id}", data={"answer": "yes"})
    assert response.status_code == 400
    assert entry_of(scene.post).state == "nominated"


def test_an_answer_other_than_yes_or_no_changes_nothing(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    response = answer(logged_in(app, scene.author), entry.id, "maybe")
    assert response.status_code == 400
    assert entry_of(scene.post).state == "nominated"


def test_the_authors_list_of_suggested_posts(app, scene):
    entry = nominated(scene.post, scene.facilitator)
    page = page_of(logged_in(app, scene.author), "/me/what-helped")
    assert f'href="/what-helped/{entry.id}"' in page and "waiting for your answer" in page
    assert "None yet." in page_of(logged_in(app, scene.reader), "/me/what-helped")


# Anonymous posts.


def test_an_anonymous_post_is_credited_to_its_alias_only(app, scene):
    entry = nominated(scene.anon_post, scene.facilitator)
    alias = entry_of(scene.anon_post).post.anon_alias
    author = logged_in(app, scene.anon_author)
    consent = page_of(author, f"/what-helped/{entry.id}")
    assert f"It would be credited to <strong>{alias}</strong>" in consent
    assert "your pseudonym is never shown" in consent

    answer(author, entry.id, "yes")

    for who in ("reader", "facilitator", "admin", "author"):
        page = page_of(logged_in(app, getattr(scene, who)), "/b/sleep/what-helped")
        assert listed_posts(page) == [scene.anon_post.id]
        assert alias in page and SECRET_HELP in page
        assert scene.anon_author.pseudonym not in page
        assert f"/u/{scene.anon_author.pseudonym}" not in page
        assert "(you)" not in page and "Take mine out" not in page


def test_the_anonymous_author_sees_their_entry_as_theirs(app, scene):
    entry = accepted(scene.anon_post, scene.facilitator)
    page = page_of(logged_in(app, scene.anon_author), "/b/sleep/what-helped")
    assert '<span class="you">(you)</span>' in page
    assert f'href="/what-helped/{entry.id}">Take mine out</a>' in page


def test_the_anonymous_author_answers_like_anyone_else(app, scene):
    entry = nominated(scene.anon_post, scene.facilitator)
    response = answer(logged_in(app, scene.anon_author), entry.id, "no")
    assert response.status_code == 302
    assert entry_of(scene.anon_post).state == "declined"
    response = logged_in(app, scene.facilitator).get(f"/what-helped/{entry.id}")
    assert response.status_code == 404
    assert scene.anon_author.pseudonym not in text_of(response)
