"""Cutting marked text into pieces: the only thing between the database and <mark>."""

from __future__ import annotations

from forum.search.highlight import END, MAX_CHARS, START, TAG_GUARD, Segment, segments


def test_marked_words_become_matched_pieces():
    marked = f"A long {START}walk{END} before  bed,\n{START}walking{END} home."

    assert segments(marked) == [
        Segment("A long ", False),
        Segment("walk", True),
        Segment(" before bed, ", False),
        Segment("walking", True),
        Segment(" home.", False),
    ]


def test_markers_typed_by_a_member_only_ever_highlight_text():
    pieces = segments(f"{END}odd{START}<b>bold{START}</b>")

    assert pieces == [Segment("odd", False), Segment("<b>bold", True), Segment("</b>", True)]


def test_no_match_falls_back_to_the_plain_text():
    assert segments(None, "Plain   text") == [Segment("Plain text", False)]


def test_long_text_is_cut_with_an_ellipsis():
    pieces = segments("word " * 200)

    assert len(pieces) == 1
    assert len(pieces[0].text) == MAX_CHARS + 1 and pieces[0].text.endswith("…")


def test_the_tag_guard_turns_back_into_a_less_than_sign():
    assert segments(f"{TAG_GUARD}script>") == [Segment("<script>", False)]
