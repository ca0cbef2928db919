"""The search page: login, the form, results as members see them (escaped highlights,
aliases, rounded times), messages instead of errors, pages and a bounded query count."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.preferences.services import save_mutes
from tests.factories import BoardFactory, UserFactory
from tests.posts.helpers import count_queries
from tests.search.helpers import (
    next_link,
    opening,
    reply,
    result_ids,
    results_section,
    searcher,
    start,
)
from tests.search.test_finding import HOSTILE


@pytest.fixture
def member(ctx):
    return UserFactory(pseudonym="Kestrel")


@pytest.fixture
def author(ctx):
    return UserFactory(pseudonym="Heronwood")


@pytest.fixture
def board(ctx):
    return BoardFactory(name="Sleep", slug="sleep")


@pytest.fixture
def browser(app, member):
    return searcher(app, member)


def test_search_needs_a_login(client):
    response = client.get("/search?q=tea")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_header_links_to_search_and_the_page_offers_a_form(browser):
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/search"' in home

    page = browser.get("/search").get_data(as_text=True)
    assert 'role="search"' in page and 'method="get"' in page
    assert '<label for="q">Search for</label>' in page
    assert '<label for="board">Board</label>' in page
    assert "results-heading" not in page


def test_a_result_shows_its_thread_board_author_time_and_links_to_the_post(browser, author, board):
    thread = start(board, author, "Sleep hygiene", "Screens off at nine.")
    post = reply(thread, author, "Blackout curtains changed everything.")

    page = browser.get("/search?q=curtains").get_data(as_text=True)

    results = results_section(page)
    assert result_ids(page) == [post.id]
    assert f'href="/p/{post.id}"' in results
    assert "Sleep hygiene" in results and "in Sleep" in results and "Heronwood" in results
    assert re.search(r'<time datetime="[\d-]+T\d\d:\d\d:00\+00:00">just now</time>', results)
    assert "<mark>curtains</mark>" in results


def test_highlighting_escapes_the_post_s_own_markup(browser, author, board):
    title = "Kettle <b>whistles</b>"
    body = 'I typed <script>alert("x")</script> and <mark>fake</mark> near the kettle.'
    thread = start(board, author, title, body)

    page = browser.get("/search?q=kettle").get_data(as_text=True)

    results = results_section(page)
    assert result_ids(page) == [opening(thread).id]
    assert "<script" not in results and "<b>" not in results
    assert "&lt;script&gt;" in results and "&lt;b&gt;" in results
    assert "&lt;mark&gt;fake&lt;/mark&gt;" in results
    assert results.count("<mark>") == 2  # ours: "Kettle" in the title, "kettle" in the body
    assert "<mark>Kettle</mark>" in results and "<mark>kettle</mark>" in results

    page = browser.get("/search?q=fake").get_data(as_text=True)
    assert "&lt;mark&gt;<mark>fake</mark>&lt;/mark&gt;" in results_section(page)


def test_an_anonymous_result_shows_the_alias_and_never_the_pseudonym(browser, author, board):
    thread = start(board, author, "Hard week", "Sunflowers on the table.", anonymous=True)
    alias = opening(thread).anon_alias

    page = browser.get("/search?q=sunflowers").get_data(as_text=True)

    assert result_ids(page) == [opening(thread).id]
    assert alias in results_section(page)
    assert "Heronwood" not in page
    assert f"/u/{author.pseudonym}" not in page
    by_author = browser.get("/search?q=sunflowers&author=Heronwood").get_data(as_text=True)
    assert result_ids(by_author) == [] and "Nothing found" in by_author


def test_a_content_warning_folds_the_snippet_away(browser, author, board):
    thread = start(board, author, "Losing Dad", "The hospice nurses were kind.")
    opening(thread).set_content_warnings(None, "Death")
    db.session.commit()

    results = results_section(browser.get("/search?q=hospice").get_data(as_text=True))

    assert re.search(r"<details[^>]*>\s*<summary>Content warning: Death", results)
    assert results.index("<summary>") < results.index("<mark>hospice</mark>")


def test_a_muted_word_folds_the_snippet_away_for_that_reader_only(
    app, browser, member, author, board
):
    thread = start(board, author, "Visiting hours", "The hospital car park at night.")
    save_mutes(member.id, [], "hospital")
    db.session.commit()

    mine = results_section(browser.get("/search?q=car+park").get_data(as_text=True))
    theirs = results_section(searcher(app, author).get("/search?q=car+park").get_data(as_text=True))

    assert result_ids(mine) == result_ids(theirs) == [opening(thread).id]
    assert "Collapsed: you muted the word “hospital”" in mine
    assert "Collapsed" not in theirs


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "Type a word or two"), ("x" * 201, "at most 200 characters"), ("***", "letters")],
)
def test_unusable_searches_get_a_message_not_an_error(browser, query, message):
    response = browser.get("/search", query_string={"q": query})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(browser, author, board, query):
    start(board, author, "Evenings", "Tea near a walk, or not: and then calm rest.")

    response = browser.get("/search", query_string={"q": query, "board": "sleep"})

    assert response.status_code == 200


def test_a_search_of_only_common_words_is_answered(browser, author, board):
    # PostgreSQL's english configuration drops such words; SQLite keeps them.
    start(board, author, "The and", "The and of to a in.")

    response = browser.get("/search?q=the+and+of")

    assert response.status_code == 200
    assert "results-heading" in response.get_data(as_text=True)


@pytest.mark.parametrize("params", ["page=abc", "page=0", "page=99999999999999999999"])
def test_impossible_page_numbers_are_refused(browser, params):
    assert browser.get(f"/search?q=tea&{params}").status_code == 400


def test_pages_link_to_each_other(browser, author, board):
    thread = start(board, author, "Evenings", "How do your evenings go?")
    replies = [reply(thread, author, f"Stretching routine {n:02d}.") for n in range(25)]

    first = browser.get("/search?q=stretching&board=sleep").get_data(as_text=True)
    second_url = next_link(first)
    assert second_url is not None and "page=2" in second_url and "board=sleep" in second_url
    second = browser.get(second_url).get_data(as_text=True)

    newest_first = [post.id for post in reversed(replies)]
    assert result_ids(first) == newest_first[:20]
    assert result_ids(second) == newest_first[20:]
    assert next_link(second) is None and 'rel="prev"' in second


def test_a_full_page_of_results_costs_no_more_queries_than_one_result(app, member, board):
    other = BoardFactory()
    authors = [UserFactory() for _ in range(20)]
    lone = start(board, authors[0], "Solo", "Origami cranes.")
    thread = start(other, authors[1], "Many", "Crochet squares.")
    for n, writer in enumerate(authors):
        reply(thread, writer, f"Crochet pattern {n}.", anonymous=n % 3 == 0)
    browser = searcher(app, member)
    browser.get("/search?q=warmup")
    lone_id = opening(lone).id

    with count_queries() as for_one:
        assert result_ids(browser.get("/search?q=origami").get_data(as_text=True)) == [lone_id]
    with count_queries() as for_page:
        page = browser.get("/search?q=crochet").get_data(as_text=True)

    assert len(result_ids(page)) == 20
    assert for_one, "the listener saw no queries"
    assert len(for_page) == len(for_one)
    assert len(for_page) <= 10
