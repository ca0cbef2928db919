"""Text members type: what is refused (with a message naming it) and how the rest is normalised."""

from __future__ import annotations

import pytest

from forum.security.text import TextRefused, normalise_text


def test_nul_is_refused_with_a_message_naming_it():
    with pytest.raises(TextRefused, match="NUL character"):
        normalise_text("before\x00after")


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\x01", "U+0001"),
        ("\x07", "U+0007"),
        ("\x08", "U+0008"),
        ("\x0b", "U+000B"),
        ("\x0c", "U+000C"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x80", "U+0080"),
        ("\x85", "U+0085"),
        ("\x9b", "U+009B"),
        ("\x9f", "U+009F"),
    ],
)
def test_other_c0_and_c1_control_characters_are_refused_naming_the_code_point(char, code):
    with pytest.raises(TextRefused) as refused:
        normalise_text(f"text {char} more")
    message = str(refused.value)
    assert "control character" in message
    assert code in message


@pytest.mark.parametrize("char", ["\ud800", "\udbff", "\udc00", "\udfff"])
def test_lone_surrogates_are_refused_with_a_message_naming_them(char):
    with pytest.raises(TextRefused, match="lone surrogate"):
        normalise_text(f"a{char}b")


def test_tab_and_newline_are_allowed_in_bodies():
    assert normalise_text("line one\n\tindented line two") == "line one\n\tindented line two"


@pytest.mark.parametrize("char", ["\t", "\n", "\r\n"])
def test_tab_and_newlines_are_refused_in_single_line_fields(char):
    with pytest.raises(TextRefused, match="control character"):
        normalise_text(f"a title{char}with a break", multiline=False)


def test_crlf_and_lone_cr_become_lf():
    assert normalise_text("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_nfc_composes_combining_characters():
    decomposed = "cafe\u0301 A\u030a"
    assert normalise_text(decomposed) == "caf\u00e9 \u00c5"


@pytest.mark.parametrize(
    "text",
    ["＜script＞", "ｆｕｌｌ ｗｉｄｔｈ", "\ufb01ne ligature", "①②③", "x²", "™"],
)
def test_compatibility_forms_are_kept_because_normalisation_is_nfc_not_nfkc(text):
    assert normalise_text(text) == text


def test_ordinary_text_with_emoji_and_other_scripts_passes_unchanged():
    text = "Feeling better today 🙂 — спасибо, ありがとう, شكرا"
    assert normalise_text(text) == text
