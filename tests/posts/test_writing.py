"""Starting threads and replying: limits after normalisation, messages, Markdown."""

from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.posts import services
from forum.posts.models import Post, PostRevision, Thread
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.posts.helpers import first_post, logged_in, textarea_text

LONG_BODY_MESSAGE = "A post is at most 20,000 characters; this one has 20,001."


@pytest.fixture
def member(ctx):
    return UserFactory(pseudonym="Rowan")


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="anxiety", name="Anxiety")


@pytest.fixture
def browser(app, member):
    return logged_in(app, member)


@pytest.fixture
def thread(board, member):
    return make_thread(board, member, title="Sleepless nights", body="Anyone else up?")


def _start(browser, title: str, body: str):
    return post_form(browser, "/b/anxiety/new", {"title": title, "body": body})


def _reply(browser, thread_id: int, body: str):
    return post_form(browser, f"/t/{thread_id}/reply", {"body": body}, page=f"/t/{thread_id}")


def _thread_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Thread))


def _post_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Post))


def test_new_thread_form_opens_for_members(browser, board):
    page = browser.get("/b/anxiety/new").get_data(as_text=True)

    assert "Start a thread in Anxiety" in page
    assert 'name="title"' in page
    assert 'name="body"' in page


def test_starting_a_thread_stores_it_and_shows_it(browser, board, member):
    response = _start(browser, "  First   time   here  ", "Hello **everyone**.")

    assert response.status_code == 302
    db.session.expire_all()
    thread = db.session.scalar(db.select(Thread))
    assert response.location == f"/t/{thread.id}"
    assert thread.title == "First time here"  # whitespace collapsed
    assert (thread.author_id, thread.board_id, thread.post_count) == (member.id, board.id, 1)
    post = first_post(thread)
    assert post.body_source == "Hello **everyone**."
    assert post.body_html == "<p>Hello <strong>everyone</strong>.</p>"
    page = browser.get(response.location).get_data(as_text=True)
    assert "<h1>First time here</h1>" in page
    assert "<strong>everyone</strong>" in page


def test_starting_a_thread_on_an_unknown_board_is_404(browser, ctx):
    assert browser.get("/b/nowhere/new").status_code == 404


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Please give your thread a title."),
        ("Hi", "A title is 3 to 150 characters long."),
        ("   Hi     ", "A title is 3 to 150 characters long."),
        ("x" * 151, "A title is 3 to 150 characters long."),
        ("Tab\there", "control character (U+0009)"),
        ("Bell\x07", "control character (U+0007)"),
    ],
)
def test_a_bad_title_is_refused_with_a_message_and_nothing_is_lost(browser, board, title, message):
    response = _start(browser, title, "My body text stays.")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert textarea_text(page) == "My body text stays."
    assert _thread_count() == 0


@pytest.mark.parametrize(
    "title",
    ["abc", "x" * 150, "e\u0301" * 150],  # 300 code points, 150 once composed (NFC)
)
def test_title_limits_count_characters_after_normalisation(browser, board, title):
    assert _start(browser, title, "Body").status_code == 302


def test_over_long_body_keeps_the_typed_text_and_says_how_long_it_is(browser, board):
    body = "a" * 20_001

    response = _start(browser, "Long story", body)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert LONG_BODY_MESSAGE in page
    assert textarea_text(page) == body
    assert 'value="Long story"' in page
    assert _thread_count() == 0


def test_body_limit_applies_after_normalisation(browser, board):
    # 20,000 characters once Windows line endings become "\n", and surrounding blank lines go.
    body = "\r\n\r\n" + "ab\r\n" * 6_666 + "ab" + "\r\n"

    assert _start(browser, "Many lines", body).status_code == 302

    db.session.expire_all()
    stored = db.session.scalar(db.select(Post.body_source))
    assert len(stored) == 20_000
    assert "\r" not in stored


def test_body_of_exactly_20000_characters_is_accepted(browser, thread):
    assert _reply(browser, thread.id, "z" * 20_000).status_code == 302


@pytest.mark.parametrize("body", ["", "   ", "\n\n \n"])
def test_an_empty_body_is_refused_with_a_message(browser, board, body):
    response = _start(browser, "Nothing to say", body)

    assert response.status_code == 400
    assert "Please write something before posting." in response.get_data(as_text=True)
    assert _thread_count() == 0


@pytest.mark.parametrize(
    ("char", "message"),
    [
        ("\x00", "NUL character"),
        ("\x1b", "control character (U+001B)"),
        ("\x7f", "control character (U+007F)"),
    ],
)
def test_control_characters_in_a_body_are_refused_with_a_message(browser, board, char, message):
    response = _start(browser, "Odd text", f"before{char}after")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _thread_count() == 0


def test_tabs_and_newlines_are_fine_in_a_body(ctx, board, member):
    thread = services.create_thread(board, member, "Code", "line one\n\tindented")
    assert first_post(thread).body_source == "line one\n\tindented"


def test_replying_adds_a_numbered_post_and_goes_to_it(browser, thread, member):
    response = _reply(browser, thread.id, "You are not alone.")

    assert response.status_code == 302
    db.session.expire_all()
    reply = db.session.scalar(db.select(Post).where(Post.number == 2))
    assert response.location == f"/t/{thread.id}?page=1#p{reply.id}"
    assert (reply.author_id, reply.body_source) == (member.id, "You are not alone.")
    assert db.session.get(Thread, thread.id).post_count == 2
    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)
    assert page.index("Anyone else up?") < page.index("You are not alone.")


def test_a_reply_moves_the_thread_to_the_top_of_its_board(browser, board, member, thread):
    newer = make_thread(board, member, title="A newer thread")

    _reply(browser, thread.id, "Bump with love.")

    db.session.expire_all()
    assert db.session.get(Thread, thread.id).last_post_at > newer.last_post_at


def test_an_over_long_reply_keeps_the_typed_text(browser, thread):
    body = "b" * 20_001

    response = _reply(browser, thread.id, body)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert LONG_BODY_MESSAGE in page
    assert "your text is kept" in page
    assert textarea_text(page) == body
    assert _post_count() == 1


def test_an_empty_reply_is_refused_with_a_message(browser, thread):
    response = _reply(browser, thread.id, "")

    assert response.status_code == 400
    assert "Please write something before posting." in response.get_data(as_text=True)
    assert _post_count() == 1


def test_replying_to_an_unknown_thread_is_404(browser, ctx):
    assert post_form(browser, "/t/999/reply", {"body": "Hi"}, page="/").status_code == 404


def test_posting_without_a_csrf_token_is_refused(browser, thread):
    response = browser.post(f"/t/{thread.id}/reply", data={"body": "No token"})

    assert response.status_code == 400
    assert _post_count() == 1


MARKDOWN = """Some **bold** and *gentle* words, and a [helpful link](https://example.org/help).

- first thing
- second thing

| Day | Mood |
|-----|------|
| Mon | okay |

```python
print("<b>not bold</b>")
```

Thank you @Rowan.
"""


def test_markdown_renders_and_both_source_and_html_are_stored(browser, thread):
    response = _reply(browser, thread.id, MARKDOWN)
    assert response.status_code == 302

    db.session.expire_all()
    post = db.session.scalar(db.select(Post).where(Post.number == 2))
    assert post.body_source == MARKDOWN.strip("\n")
    rendered = post.body_html
    assert "<strong>bold</strong>" in rendered
    assert "<em>gentle</em>" in rendered
    assert re.search(r"<ul>\s*<li>first thing</li>\s*<li>second thing</li>\s*</ul>", rendered)
    assert (
        '<a href="https://example.org/help" rel="nofollow ugc noopener noreferrer">'
        "helpful link</a>" in rendered
    )
    assert "<table>" in rendered
    assert "<th>Day</th>" in rendered
    assert "<td>okay</td>" in rendered
    assert '<pre><code class="language-python">' in rendered
    assert "&lt;b&gt;not bold&lt;/b&gt;" in rendered
    assert (
        '<a class="mention" href="/u/Rowan" rel="nofollow ugc noopener noreferrer">@Rowan</a>'
        in rendered
    )
    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)
    assert rendered in page


def test_the_first_post_keeps_its_first_revision(ctx, board, member):
    thread = services.create_thread(board, member, "A title", "The *body*")
    db.session.commit()

    (revision,) = db.session.scalars(db.select(PostRevision)).all()
    assert (revision.number, revision.title) == (1, "A title")
    assert (revision.body_source, revision.body_html) == ("The *body*", "<p>The <em>body</em></p>")
    assert revision.post_id == first_post(thread).id


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
    ],
)
def test_html_and_script_links_in_a_body_never_become_markup(browser, thread, body):
    _reply(browser, thread.id, body)

    db.session.expire_all()
    rendered = db.session.scalar(db.select(Post.body_html).where(Post.number == 2))
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert 'href="javascript' not in rendered


def test_a_title_with_markup_is_shown_as_text(browser, board):
    _start(browser, "<b>Bold</b> title", "Body")

    db.session.expire_all()
    thread_id = db.session.scalar(db.select(Thread.id))
    page = browser.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "<h1>&lt;b&gt;Bold&lt;/b&gt; title</h1>" in page


def test_an_archived_board_takes_no_new_threads(browser, board):
    from forum.db import utcnow

    board.archived_at = utcnow()
    db.session.commit()

    response = _start(browser, "Too late", "Body")

    assert response.status_code == 400
    assert "This board is archived" in response.get_data(as_text=True)
    assert _thread_count() == 0
