"""Authors pick content warnings when starting a thread, replying and editing; readers see
the post folded behind them until they open it."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.posts.models import PostRevision
from tests.posts.helpers import logged_in, page_of, text_of, textarea_text
from tests.warnings.helpers import (
    article,
    checked_values,
    field_errors,
    folded,
    fresh_post,
    input_value,
    newest_post,
    send,
    send_reply,
)


def test_new_thread_form_offers_the_whole_list_and_own_words(app, scene):
    page = page_of(logged_in(app, scene.author), "/b/evenings/new")
    for value, label in [("self-harm", "self-harm"), ("suicide", "suicide"), ("abuse", "abuse"),
                         ("eating", "eating"), ("substance-use", "substance use"),
                         ("loss", "loss")]:  # fmt: skip
        assert f'type="checkbox" value="{value}"' in page.replace('name="content_warnings" ', "")
        assert f">{label}</label>" in page
    assert "<legend>Content warnings</legend>" in page
    assert 'name="custom_warning"' in page


def test_a_thread_started_with_warnings_is_folded_behind_them(app, scene):
    author = logged_in(app, scene.author)
    response = send(author, "/b/evenings/new", {
        "title": "The anniversary", "body": "It is a year since my brother died.",
        "content_warnings": ["loss", "self-harm"], "custom_warning": "a funeral",
    })  # fmt: skip
    assert response.status_code == 302

    post = newest_post()
    assert (post.content_warning_keys, post.content_warning) == ("self-harm,loss", "a funeral")
    shown = folded(article(page_of(logged_in(app, scene.reader), f"/t/{post.thread_id}"), post.id))
    assert shown is not None
    assert shown.summary == "Content warning: self-harm, loss, a funeral (show post)"
    assert "a year since my brother died" in shown.inside


def test_the_body_is_only_inside_the_details(app, scene):
    author = logged_in(app, scene.author)
    send_reply(author, scene, body="I stopped eating for a while.", content_warnings=["eating"])
    post = newest_post()
    shown_article = article(page_of(logged_in(app, scene.reader), f"/t/{scene.thread.id}"), post.id)
    shown = folded(shown_article)
    assert shown is not None and shown.css == "content-warning"
    assert "I stopped eating" in shown.inside
    outside = shown_article.replace(shown.inside, "")
    assert "I stopped eating" not in outside


def test_a_reply_with_warnings_from_the_thread_page(app, scene):
    author = logged_in(app, scene.reader)
    response = send_reply(
        author, scene, body="Drinking was how I got through it.", content_warnings=["substance-use"]
    )
    assert response.status_code == 302
    post = newest_post()
    assert post.warning_keys == ["substance-use"]
    assert post.content_warnings == ["substance use"]


def test_posts_without_warnings_are_shown_open(app, scene):
    page = page_of(logged_in(app, scene.reader), f"/t/{scene.thread.id}")
    shown = article(page, scene.opening.id)
    assert "How do you all cope?" in shown
    assert folded(shown) is None


def test_the_reply_box_folds_the_warnings_away_until_wanted(app, scene):
    page = page_of(logged_in(app, scene.reader), f"/t/{scene.thread.id}")
    assert '<details class="warning-choice">' in page
    assert "<summary>Content warnings (optional)</summary>" in page


def test_custom_warning_text_is_escaped(app, scene):
    author = logged_in(app, scene.author)
    send_reply(
        author,
        scene,
        body="Some words.",
        custom_warning='<script>alert("x")</script> & <b>bold</b>',
    )
    post = newest_post()
    page = page_of(logged_in(app, scene.reader), f"/t/{scene.thread.id}")
    shown = article(page, post.id)
    assert "<script>alert" not in page and "<b>bold</b>" not in shown
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in shown


def test_a_too_long_custom_warning_is_refused_and_everything_typed_is_kept(app, scene):
    author = logged_in(app, scene.author)
    long_warning = "a" * 121
    response = send(author, "/b/evenings/new", {
        "title": "Kept title", "body": "Kept body text.",
        "content_warnings": ["abuse"], "custom_warning": long_warning,
    })  # fmt: skip

    assert response.status_code == 400
    page = text_of(response)
    assert field_errors(page) == ["A content warning is at most 120 characters; this one has 121."]
    assert textarea_text(page) == "Kept body text."
    assert input_value(page, "title") == "Kept title"
    assert input_value(page, "custom_warning") == long_warning
    assert checked_values(page, "content_warnings") == ["abuse"]
    assert newest_post().thread_id == scene.thread.id  # nothing new was saved


def test_an_unknown_warning_is_refused_with_a_plain_message(app, scene):
    response = send_reply(
        logged_in(app, scene.author), scene, body="My reply stays.", content_warnings=["spiders"]
    )
    assert response.status_code == 400
    page = text_of(response)
    assert field_errors(page) == ["Please choose warnings from the list."]
    assert textarea_text(page) == "My reply stays."
    # After an error the warnings are shown unfolded, so the message can be seen.
    assert '<details class="warning-choice" open>' in page


def test_edit_page_shows_the_current_warnings_and_changes_them(app, scene):
    author = logged_in(app, scene.author)
    send_reply(
        author, scene, body="About my mum.", content_warnings=["loss"], custom_warning="illness"
    )
    post = newest_post()

    page = page_of(author, f"/p/{post.id}/edit")
    assert checked_values(page, "content_warnings") == ["loss"]
    assert input_value(page, "custom_warning") == "illness"

    response = send(
        author,
        f"/p/{post.id}/edit",
        {"body": "About my mum.", "content_warnings": ["loss", "suicide"]},
    )
    assert response.status_code == 302
    post = fresh_post(post.id)
    assert post.content_warnings == ["suicide", "loss"]
    # Only the warnings changed: no new version of the text.
    assert post.revision == 1
    count = select(func.count()).select_from(PostRevision)
    assert db.session.scalar(count.where(PostRevision.post_id == post.id)) == 1


def test_removing_every_warning_on_edit_shows_the_post_open_again(app, scene):
    author = logged_in(app, scene.author)
    send_reply(author, scene, body="A hard day.", content_warnings=["abuse"])
    post = newest_post()
    send(author, f"/p/{post.id}/edit", {"body": "A hard day, but better now."})

    post = fresh_post(post.id)
    assert (post.content_warning_keys, post.content_warning) == (None, None)
    shown = article(page_of(logged_in(app, scene.reader), f"/t/{scene.thread.id}"), post.id)
    assert folded(shown) is None and "better now" in shown


def test_the_author_sees_their_own_post_folded_too(app, scene):
    """Warnings are for every reader; only mutes spare the author (see test_muting)."""
    author = logged_in(app, scene.author)
    send_reply(author, scene, body="Mine.", content_warnings=["loss"])
    post = newest_post()
    shown = folded(article(page_of(author, f"/t/{scene.thread.id}"), post.id))
    assert shown is not None and shown.summary.startswith("Content warning: loss")
