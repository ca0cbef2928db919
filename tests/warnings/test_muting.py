"""Muted themes and words: the settings page, its limits and messages, and posts folded
away on thread pages for the member who muted them (never their own posts)."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.preferences.models import MuteList
from forum.preferences.services import MAX_WORDS, save_mutes
from tests.posts.helpers import count_queries, logged_in, page_of, text_of, textarea_text
from tests.warnings.helpers import (
    article,
    checked_values,
    field_errors,
    folded,
    reply,
    send,
)


def mute(user_id: int, themes: list[str] | None = None, words: str = "") -> None:
    save_mutes(user_id, themes or [], words)
    db.session.commit()


def mutes_of(user_id: int) -> MuteList | None:
    db.session.rollback()
    return db.session.get(MuteList, user_id)


def thread_article(app, scene, viewer, post) -> str:  # type: ignore[no-untyped-def]
    return article(page_of(logged_in(app, viewer), f"/t/{scene.thread.id}"), post.id)


# The settings page.


def test_settings_links_to_the_muted_page(app, scene):
    page = page_of(logged_in(app, scene.reader), "/settings")
    assert 'href="/settings/muted"' in page


def test_saving_themes_and_words_keeps_them_and_shows_them_again(app, scene):
    client = logged_in(app, scene.reader)
    response = send(
        client,
        "/settings/muted",
        {"themes": ["loss", "self-harm"], "words": "Hospital\ncup of  tea, hospital"},
    )
    assert response.status_code == 302

    mutes = mutes_of(scene.reader.id)
    assert mutes is not None
    assert mutes.theme_keys == ["self-harm", "loss"]
    assert mutes.word_list == ["Hospital", "cup of tea"]
    page = page_of(client, "/settings/muted")
    assert checked_values(page, "themes") == ["self-harm", "loss"]
    assert textarea_text(page, "words") == "Hospital\ncup of tea"


def test_clearing_everything_removes_the_list(app, scene):
    mute(scene.reader.id, ["loss"], "tea")
    response = send(logged_in(app, scene.reader), "/settings/muted", {"words": "  \n , "})
    assert response.status_code == 302
    assert mutes_of(scene.reader.id) is None


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("\n".join(f"word{n}" for n in range(MAX_WORDS + 1)),
         f"You can mute up to {MAX_WORDS} words or phrases; this list has {MAX_WORDS + 1}."),
        ("fine\n" + "x" * 41, f"“{'x' * 40}…” is longer than 40 characters. Please shorten it."),
        ("fine\n?!", "“?!” has no letters or numbers, so it would never match. Please remove it."),
        ("x" * 4001, "That list is too long: at most 30 words or phrases of 40 characters each."),
    ],
    ids=["too many", "too long", "no letters", "huge box"],
)  # fmt: skip
def test_bad_words_are_refused_with_a_message_and_the_text_is_kept(app, scene, words, message):
    mute(scene.reader.id, ["abuse"], "before")
    response = send(
        logged_in(app, scene.reader), "/settings/muted", {"themes": ["loss"], "words": words}
    )

    assert response.status_code == 400
    page = text_of(response)
    assert field_errors(page) == [message]
    assert textarea_text(page, "words") == words
    assert checked_values(page, "themes") == ["loss"]
    mutes = mutes_of(scene.reader.id)
    assert (mutes.theme_keys, mutes.word_list) == (["abuse"], ["before"])  # unchanged


def test_an_unknown_theme_is_refused(app, scene):
    response = send(
        logged_in(app, scene.reader), "/settings/muted", {"themes": ["spiders"], "words": "kept"}
    )
    assert response.status_code == 400
    assert field_errors(text_of(response)) == ["Please choose warnings from the list."]
    assert textarea_text(text_of(response), "words") == "kept"


def test_the_muted_page_needs_login_and_a_csrf_token(app, scene):
    assert app.test_client().get("/settings/muted").status_code == 302
    client = logged_in(app, scene.reader)
    response = client.post("/settings/muted", data={"words": "tea"})
    assert response.status_code == 400
    assert mutes_of(scene.reader.id) is None


# Folding posts away.


def test_a_muted_word_folds_the_post_with_the_reason(app, scene):
    post = reply(scene.thread, scene.author, "Some evenings I sit with a cup of **Tea**.")
    mute(scene.reader.id, words="tea")

    shown = folded(thread_article(app, scene, scene.reader, post))
    assert shown is not None and shown.css == "content-warning muted-post"
    assert shown.summary == "Collapsed: you muted the word “tea” (show post)"
    assert "cup of <strong>Tea</strong>" in shown.inside


def test_a_muted_phrase_matches_across_spacing_and_markup(app, scene):
    post = reply(scene.thread, scene.author, "I was *feeling*\nlow all week.")
    mute(scene.reader.id, words="feeling low")
    shown = folded(thread_article(app, scene, scene.reader, post))
    assert shown is not None
    assert shown.summary == "Collapsed: you muted the phrase “feeling low” (show post)"


@pytest.mark.parametrize("body", ["Instead I went out.", "A teacup on the table.", "steady"])
def test_words_match_whole_words_only(app, scene, body):
    post = reply(scene.thread, scene.author, body)
    mute(scene.reader.id, words="tea")
    assert folded(thread_article(app, scene, scene.reader, post)) is None


def test_a_muted_theme_folds_posts_carrying_that_warning(app, scene):
    from forum.posts import services as posts

    post = posts.create_reply(scene.thread, scene.author, "It has been hard since.",
                              content_warnings=["loss", "abuse"])  # fmt: skip
    db.session.commit()
    mute(scene.reader.id, ["loss"])

    shown = folded(thread_article(app, scene, scene.reader, post))
    assert shown is not None
    assert shown.summary == (
        "Collapsed: you muted the theme loss. Content warning: abuse, loss (show post)"
    )


def test_only_the_member_who_muted_sees_the_post_folded(app, scene):
    post = reply(scene.thread, scene.author, "A cup of tea.")
    mute(scene.reader.id, words="tea")
    other = logged_in(app, scene.facilitator)
    shown = article(page_of(other, f"/t/{scene.thread.id}"), post.id)
    assert folded(shown) is None and "A cup of tea." in shown


def test_own_posts_are_never_folded_by_own_mutes(app, scene):
    from forum.posts import services as posts

    post = posts.create_reply(scene.thread, scene.reader, "My tea went cold.",
                              content_warnings=["loss"])  # fmt: skip
    db.session.commit()
    mute(scene.reader.id, ["loss"], "tea")

    shown = folded(thread_article(app, scene, scene.reader, post))
    assert shown is not None  # still behind its warning, like for everyone
    assert shown.summary == "Content warning: loss (show post)"
    assert "muted" not in shown.summary


def test_nothing_in_the_page_shows_what_a_member_muted_to_others(app, scene):
    reply(scene.thread, scene.author, "A cup of tea.")
    mute(scene.reader.id, ["self-harm"], "tea")
    page = page_of(logged_in(app, scene.author), f"/t/{scene.thread.id}")
    assert "you muted" not in page and "muted-post" not in page


def test_the_thread_page_loads_the_mutes_once_whatever_the_number_of_posts(app, scene):
    mute(scene.reader.id, ["loss"], "\n".join(f"word{n}" for n in range(MAX_WORDS)))
    client = logged_in(app, scene.reader)
    url = f"/t/{scene.thread.id}"

    def queries() -> list[str]:
        page_of(client, url)  # a visit after new posts may move the reader's read mark
        with count_queries() as statements:
            page_of(client, url)
        # The header re-reads the facilitated hours every few seconds; that is not the page.
        return [s for s in statements if "site_setting" not in s]

    for number in range(3):
        reply(scene.thread, scene.author, f"Reply {number} with word{number}.")
    few = queries()
    for number in range(3, 20):
        reply(scene.thread, scene.author, f"Reply {number} with word{number}.")
    many = queries()

    assert len([s for s in many if "mute_list" in s]) == 1
    assert len(many) == len(few)
    assert page_of(client, url).count("Collapsed: you muted the word") == 20
