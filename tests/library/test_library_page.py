"""The What helped page of a board: accepted entries only, while their posts are shown;
facilitators remove entries; a bounded number of queries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.library import services as library_services
from forum.library.services import EXCERPT_MAX, PAGE_SIZE
from forum.moderation import actions
from forum.moderation.models import ReviewItem
from forum.posts import services as posts
from forum.posts.models import Post
from tests.conftest import post_form
from tests.factories import UserFactory, make_reply
from tests.library.helpers import (
    HELPFUL,
    accepted,
    entry_of,
    hide,
    listed_posts,
    log_actions,
    nominated,
    notes_of,
)
from tests.posts.helpers import count_queries, first_post, logged_in, page_of


def library(app, user) -> str:  # type: ignore[no-untyped-def]
    return page_of(logged_in(app, user), "/b/sleep/what-helped")


def test_the_board_page_links_to_what_helped(app, scene):
    page = page_of(logged_in(app, scene.reader), "/b/sleep")
    assert 'href="/b/sleep/what-helped"' in page


def test_an_empty_library_says_so(app, scene):
    assert "Nothing here yet." in library(app, scene.reader)


def test_accepted_entries_show_excerpt_credit_and_link(app, scene):
    accepted(scene.post, scene.facilitator)
    page = library(app, scene.reader)
    assert listed_posts(page) == [scene.post.id]
    assert HELPFUL in page
    assert "BrightHarbour" in page and "What helps you sleep?" in page
    assert f'href="/p/{scene.post.id}"' in page


def test_suggested_and_declined_entries_are_not_shown(app, scene):
    nominated(scene.post, scene.facilitator)
    entry = nominated(scene.anon_post, scene.facilitator)
    library_services.answer_suggestion(entry.id, scene.anon_author, False)
    db.session.commit()
    assert listed_posts(library(app, scene.reader)) == []


def test_a_long_post_is_cut_to_an_excerpt(app, scene):
    long_post = make_reply(scene.thread, scene.author, "word " * 200 + "THE-END")
    accepted(long_post, scene.facilitator)
    page = library(app, scene.reader)
    excerpt = page.split('<blockquote class="library-excerpt"><p>', 1)[1].split("</p>", 1)[0]
    assert len(excerpt) <= EXCERPT_MAX + 1 and excerpt.endswith("…")
    assert "THE-END" not in page


def test_a_hidden_post_leaves_the_library_and_returns_when_restored(app, scene):
    accepted(scene.post, scene.facilitator)
    hide(scene.post, scene.facilitator)
    assert listed_posts(library(app, scene.reader)) == []
    assert listed_posts(library(app, scene.facilitator)) == []

    item = db.session.scalar(select(ReviewItem).where(ReviewItem.post_id == scene.post.id))
    actions.restore(item, scene.facilitator, item.version)
    db.session.commit()
    assert listed_posts(library(app, scene.reader)) == [scene.post.id]


def test_a_withdrawn_post_leaves_the_library(app, scene):
    accepted(scene.post, scene.facilitator)
    posts.withdraw_post(db.session.get(Post, scene.post.id))
    db.session.commit()
    assert listed_posts(library(app, scene.reader)) == []


def test_a_hidden_thread_takes_its_entries_away(app, scene):
    accepted(scene.post, scene.facilitator)
    hide(first_post(scene.thread), scene.facilitator)
    assert listed_posts(library(app, scene.reader)) == []


def test_each_board_lists_its_own_entries(app, scene):
    accepted(scene.post, scene.facilitator)
    page = page_of(logged_in(app, scene.reader), "/b/grief/what-helped")
    assert listed_posts(page) == []
    assert logged_in(app, scene.reader).get("/b/nowhere/what-helped").status_code == 404


def test_a_facilitator_removes_an_entry_and_the_author_is_told(app, scene):
    entry = accepted(scene.post, scene.facilitator)
    client = logged_in(app, scene.facilitator)
    page = page_of(client, "/b/sleep/what-helped")
    assert f'action="/what-helped/{entry.id}/remove"' in page

    response = post_form(client, f"/what-helped/{entry.id}/remove", {},
                         page="/b/sleep/what-helped")  # fmt: skip
    assert response.status_code == 302
    assert entry_of(scene.post) is None
    assert listed_posts(library(app, scene.reader)) == []
    assert [n.kind for n in notes_of(scene.author, "library_removed")] == ["library_removed"]
    assert log_actions()[-1] == ("library_remove", scene.post.id)


@pytest.mark.parametrize("who", ["reader", "author", "outsider"])
def test_only_the_boards_facilitators_remove_entries(app, scene, who):
    entry = accepted(scene.post, scene.facilitator)
    client = logged_in(app, getattr(scene, who))
    assert f"/what-helped/{entry.id}/remove" not in page_of(client, "/b/sleep/what-helped")
    response = post_form(client, f"/what-helped/{entry.id}/remove", {}, page="/")
    assert response.status_code == 403
    assert entry_of(scene.post) is not None


def test_removing_needs_a_csrf_token(app, scene):
    entry = accepted(scene.post, scene.facilitator)
    response = logged_in(app, scene.facilitator).post(f"/what-helped/{entry.id}/remove")
    assert response.status_code == 400
    assert entry_of(scene.post) is not None


def test_the_page_runs_the_same_queries_for_few_or_many_entries(app, scene):
    authors = [UserFactory() for _ in range(PAGE_SIZE + 5)]
    client = logged_in(app, scene.reader)

    def queries() -> int:
        with count_queries() as statements:
            page_of(client, "/b/sleep/what-helped")
        # The header re-reads the facilitated hours every few seconds; that is not the page.
        return len([s for s in statements if "site_setting" not in s])

    for author in authors[:2]:
        accepted(make_reply(scene.thread, author, "It helped to talk."), scene.facilitator)
    few = queries()
    for author in authors[2:]:
        accepted(make_reply(scene.thread, author, "It helped to talk."), scene.facilitator)
    many = queries()

    assert many == few
    page = page_of(client, "/b/sleep/what-helped")
    shown = listed_posts(page)
    assert len(shown) == PAGE_SIZE
    older = page.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    rest = listed_posts(page_of(client, older))
    assert len(rest) == 5 and not set(rest) & set(shown)
