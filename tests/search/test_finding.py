"""Finding posts: words in bodies and titles, every word required, ranking, the board filter,
pagination, and member input that is never search syntax."""

from __future__ import annotations

import pytest

from forum.db import utcnow
from forum.extensions import db
from forum.search import services as search
from forum.search.services import MAX_PAGES, PER_PAGE, SearchInvalid
from tests.factories import BoardFactory
from tests.search.helpers import found, opening, reply, start


@pytest.fixture
def board(ctx):
    return BoardFactory(name="Sleep")


def test_a_word_in_a_reply_finds_that_reply(member, board):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    walk = reply(thread, member, "A long walk before bed helps me settle.")
    reply(thread, member, "Tea and a book, most nights.")

    assert found(member, "walk") == [walk.id]


def test_word_forms_match_each_other(member, board):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    walking = reply(thread, member, "Walking the dog calms me down.")

    assert found(member, "walks") == [walking.id]
    assert found(member, "WALKED") == [walking.id]


def test_a_word_only_in_the_title_finds_the_opening_post(member, board):
    thread = start(board, member, "Insomnia again", "Third night in a row now.")
    reply(thread, member, "Same here, it is rough.")

    assert found(member, "insomnia") == [opening(thread).id]


def test_every_word_must_be_present(member, board):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    both = reply(thread, member, "Tea first, then a short walk.")
    reply(thread, member, "Just tea for me.")
    reply(thread, member, "A walk, always.")

    assert found(member, "tea walk") == [both.id]
    assert found(member, "tea walk swimming") == []


def test_a_title_match_ranks_above_a_passing_mention(member, board):
    older = start(board, member, "Journaling every day", "It has helped me a lot this year.")
    later = start(board, member, "Mornings", "Coffee, then I try a little journaling.")

    assert found(member, "journaling") == [opening(older).id, opening(later).id]


def test_a_post_full_of_the_word_ranks_above_a_passing_mention(member, board):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    full = reply(thread, member, "Yoga in the morning, yoga at noon, yoga whenever I can.")
    passing = reply(thread, member, "Some yoga.")

    assert found(member, "yoga") == [full.id, passing.id]


def test_equal_matches_show_the_newest_first(member, board):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    first = reply(thread, member, "Breathing exercises.")
    second = reply(thread, member, "Breathing exercises.")
    third = reply(thread, member, "Breathing exercises.")

    assert found(member, "breathing exercises") == [third.id, second.id, first.id]


def test_the_board_filter_keeps_to_one_board(member, board):
    other = BoardFactory(name="Grief")
    here = start(board, member, "Nightmares", "Vivid dreams every night.")
    there = start(other, member, "Dreams of her", "I dream about my mother.")

    assert found(member, "dream", board=board) == [opening(here).id]
    assert found(member, "dream", board=other) == [opening(there).id]
    assert sorted(found(member, "dream")) == sorted([opening(here).id, opening(there).id])


def test_archived_boards_stay_searchable(member, board):
    thread = start(board, member, "Old times", "Remembering the lighthouse.")
    board.archived_at = utcnow()
    db.session.commit()

    assert found(member, "lighthouse") == [opening(thread).id]
    assert board in search.searchable_boards()


def test_results_come_in_pages_without_overlap(member, board):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    replies = [reply(thread, member, f"Gratitude list number {n:02d}.") for n in range(45)]

    pages = [search.search(member, "gratitude", page=n) for n in (1, 2, 3)]

    ids = [[hit.post.id for hit in page.hits] for page in pages]
    assert [len(page) for page in ids] == [PER_PAGE, PER_PAGE, 5]
    assert [page.has_next for page in pages] == [True, True, False]
    assert sum(ids, []) == [post.id for post in reversed(replies)]
    assert search.search(member, "gratitude", page=4).hits == []


@pytest.mark.parametrize("page", [0, -1, MAX_PAGES + 1])
def test_pages_outside_the_cap_are_refused_with_a_message(member, page):
    with pytest.raises(SearchInvalid, match="pages at most"):
        search.search(member, "anything", page=page)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a word"),
        ("   ", "Type a word"),
        ("*** --- \"\" ''", "letters or numbers"),
        ("word " * 41, "at most 200 characters"),
        (" ".join(f"w{n}" for n in range(13)), "at most 12 words"),
    ],
)
def test_empty_and_oversized_searches_get_a_clear_message(member, query, message):
    with pytest.raises(SearchInvalid, match=message):
        search.search(member, query)


# Every word of these is in BODY: each must find that post and nothing else, and none may
# raise anything, whatever quotes, operators or column names it holds.
BODY = "Tea near a walk, or not: and then calm rest. Drop the table, post the title, body source 2."
HOSTILE = [
    '"tea walk',
    "tea NEAR(walk, 2)",
    "NEAR",
    "body_source:tea",
    "title: tea",
    "tea*",
    "-tea walk",
    "tea OR walk",
    "tea AND NOT walk",
    "(tea",
    "tea)",
    "^tea",
    "tea + walk",
    "'; DROP TABLE post; --",
    "tea\x00walk",
    "tea & walk | !calm <-> rest:*",
    "{tea walk}",
    "tea\\",
    "\ue000tea\ue001",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_search_syntax_in_member_input_is_read_as_plain_words(member, board, query):
    thread = start(board, member, "Evenings", "How do your evenings go?")
    post = reply(thread, member, BODY)

    assert found(member, query) == [post.id]


@pytest.mark.parametrize("query", ["*", '""', "()", "-", "^", "\x00", "<->", "_"])
def test_syntax_without_words_asks_for_words(member, query):
    with pytest.raises(SearchInvalid, match="letters or numbers"):
        search.search(member, query)


def test_words_are_kept_in_order_without_repeats():
    terms = search.parse_terms("Tea, TEA and café-au-lait!")

    assert terms == ["tea", "and", "café", "au", "lait"]
