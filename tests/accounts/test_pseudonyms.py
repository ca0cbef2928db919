"""Pseudonym rules: length, characters, NFKC normalisation, reserved names, suggestions."""

from __future__ import annotations

import pytest

from forum.accounts.pseudonyms import PseudonymInvalid, normalise_pseudonym
from forum.accounts.services import available_pseudonym_suggestions, find_user
from tests.factories import UserFactory

LENGTH_MESSAGE = "A pseudonym is 3 to 30 characters long."
CHARACTERS_MESSAGE = "Use only letters, digits, underscores (_) and hyphens (-) in a pseudonym."
RESERVED_MESSAGE = "That name is reserved. Please choose another pseudonym."


def test_pseudonym_display_is_nfkc_and_key_is_casefolded():
    assert normalise_pseudonym("Ｑｕｉｅｔ") == ("Quiet", "quiet")
    assert normalise_pseudonym("QuietHeron") == ("QuietHeron", "quietheron")


def test_pseudonym_surrounding_whitespace_is_dropped():
    assert normalise_pseudonym("  Quiet_Heron-2 \t") == ("Quiet_Heron-2", "quiet_heron-2")


@pytest.mark.parametrize("raw", ["abc", "a" * 30, "Ｑｕｉ"])
def test_pseudonym_of_3_to_30_characters_is_accepted(raw):
    display, _ = normalise_pseudonym(raw)
    assert 3 <= len(display) <= 30


@pytest.mark.parametrize("raw", ["", "ab", "  ab  ", "a" * 31])
def test_pseudonym_shorter_than_3_or_longer_than_30_characters_is_refused(raw):
    with pytest.raises(PseudonymInvalid) as error:
        normalise_pseudonym(raw)
    assert str(error.value) == LENGTH_MESSAGE


@pytest.mark.parametrize(
    "raw",
    ["quiet heron", "quiet.heron", "heron!", "<b>bold</b>", "zero\u200bwidth", "smile🙂", "a@b.c"],
)
def test_pseudonym_with_characters_other_than_letters_digits_underscore_hyphen_is_refused(raw):
    with pytest.raises(PseudonymInvalid) as error:
        normalise_pseudonym(raw)
    assert str(error.value) == CHARACTERS_MESSAGE


@pytest.mark.parametrize("raw", ["Ольга", "さくら", "Zoë_2-x", "Kit_99"])
def test_pseudonym_may_use_letters_and_digits_of_any_script(raw):
    display, key = normalise_pseudonym(raw)
    assert display == raw
    assert key == raw.casefold()


@pytest.mark.parametrize(
    "raw",
    [
        "admin", "ADMIN", "Ad-min", "a_d_m_i_n", "ａｄｍｉｎ", "moderator", "Facilitator",
        "anonymous", "system", "kindred", "KINDRED", "_System-",
    ],
)  # fmt: skip
def test_reserved_pseudonyms_are_refused_whatever_the_case_width_or_separators(raw):
    with pytest.raises(PseudonymInvalid) as error:
        normalise_pseudonym(raw)
    assert str(error.value) == RESERVED_MESSAGE


def test_names_that_only_contain_a_reserved_word_are_allowed():
    assert normalise_pseudonym("KindredSpirit") == ("KindredSpirit", "kindredspirit")


def test_find_user_matches_pseudonyms_case_insensitively_after_nfkc(ctx):
    member = UserFactory(pseudonym="Quiet", pseudonym_key="quiet")
    assert find_user("QUIET").id == member.id
    assert find_user("Ｑｕｉｅｔ").id == member.id
    assert find_user("Quieter") is None
    assert find_user("no such name!") is None


def test_suggested_pseudonyms_are_valid_and_unused(ctx):
    UserFactory()
    suggestions = available_pseudonym_suggestions()
    assert len(suggestions) == 4
    for name in suggestions:
        display, _ = normalise_pseudonym(name)
        assert display == name
        assert find_user(name) is None
