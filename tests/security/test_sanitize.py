"""Markdown rendering and sanitising: the renderer on its own, and posts as members see them."""

from __future__ import annotations

import time

import pytest

from forum.extensions import db
from forum.posts.models import Post, Thread
from forum.security.sanitize import render_markdown, sanitize_html
from forum.security.text import normalise_text
from tests.conftest import login, post_form
from tests.security.helpers import (
    LINK_REL,
    SAFE_SCHEMES,
    allow_list_violations,
    elements,
    href_scheme,
    links,
    parse,
    post_bodies,
)

# Hostile Markdown a member might post: none of it may become markup that runs or loads.
HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "script tag split over lines": "<scr\nipt>alert(1)</script>",
    "img onerror": '<img src="x" onerror="alert(1)">',
    "svg onload": "<svg onload=alert(1)></svg>",
    "onclick on a link": '<a href="https://example.org" onclick="alert(1)">x</a>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "style element": "<style>body { display: none }</style>",
    "style attribute": '<p style="position:fixed;top:0">covering the page</p>',
    "html comment": "<!-- <script>alert(1)</script> -->",
    "javascript link": "[click me](javascript:alert(1))",
    "javascript link, mixed case": "[click me](JaVaScRiPt:alert(1))",
    "javascript link, entity encoded": "[click me](&#106;avascript:alert(1))",
    "javascript link, percent in scheme": "[click me](java%0ascript:alert(1))",
    "javascript link, reference style": "[click me][x]\n\n[x]: javascript:alert(1)",
    "javascript autolink": "<javascript:alert(1)>",
    "vbscript link": "[click me](vbscript:msgbox(1))",
    "data link": "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image": "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "javascript image": "![pic](javascript:alert(1))",
    "quote breaking link title": '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "quote breaking image alt": '![x" onerror="alert(1)](https://images.example/x.png)',
    "quote breaking code info": '```js" onclick="alert(1)\ncode\n```',
    "raw anchor with javascript": '<a href="javascript:alert(1)">x</a>',
    "mention with markup": "@<script>alert(1)</script>",
}


def _assert_harmless(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert allow_list_violations(html) == []
    for tag, attrs in elements(html):
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if "href" in attrs:
            assert href_scheme(attrs["href"] or "") in SAFE_SCHEMES | {None}, attrs


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_to_harmless_html(source):
    _assert_harmless(render_markdown(normalise_text(source)))


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<b>bold</b> <i>it</i>",
        '<div class="x">block</div>',
        "<iframe src=x></iframe>",
    ],
)
def test_raw_html_is_shown_as_text_not_rendered(source):
    html = render_markdown(source)
    assert html.startswith("<p>&lt;")
    assert elements(html) == [("p", {})]
    assert source.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html


@pytest.mark.parametrize(
    "source",
    [
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        "[click me](vbscript:msgbox(1))",
        "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">click me</a>',
    ],
)
def test_dangerous_link_schemes_never_produce_a_link_with_that_scheme(source):
    html = render_markdown(source)
    for attrs in links(html):
        assert href_scheme(attrs.get("href") or "") not in {"javascript", "vbscript", "data"}
    assert 'href="javascript' not in html.lower()
    assert 'href="vbscript' not in html.lower()
    assert 'href="data' not in html.lower()


def test_remote_image_becomes_a_plain_link_and_never_an_img():
    html = render_markdown("Look: ![a calm lake](https://images.example/lake.jpg)")
    assert "<img" not in html
    assert links(html) == [
        {"class": "remote-image", "href": "https://images.example/lake.jpg", "rel": LINK_REL}
    ]
    assert "Image: a calm lake" in html


def test_reference_and_linked_images_also_become_links():
    html = render_markdown(
        "![ref][pic] and [![inner](https://i.example/a.png)](https://example.org)\n\n"
        "[pic]: https://i.example/b.png"
    )
    assert "<img" not in html
    hrefs = {attrs["href"] for attrs in links(html)}
    assert {"https://i.example/a.png", "https://i.example/b.png"} <= hrefs


def test_every_link_gets_the_same_rel_whatever_made_it():
    html = render_markdown(
        "[inline](https://example.org/a) <https://example.org/b> @Alice "
        "![image](https://example.org/c.png) [ref][r] [mail](mailto:someone@example.org) "
        '[titled](https://example.org/d "A title")\n\n[r]: https://example.org/e'
    )
    anchors = links(html)
    assert len(anchors) == 7
    assert all(attrs["rel"] == LINK_REL for attrs in anchors)


def test_raw_rel_or_target_in_html_cannot_override_link_rel():
    html = sanitize_html('<a href="https://example.org" rel="opener" target="_blank">x</a>')
    assert links(html) == [{"href": "https://example.org", "rel": LINK_REL}]


def test_mentions_render_as_profile_links_but_email_addresses_do_not():
    html = render_markdown("Thanks @Quiet_Heron-7 and write to bob@example.org")
    assert links(html) == [{"class": "mention", "href": "/u/Quiet_Heron-7", "rel": LINK_REL}]
    assert ">@Quiet_Heron-7</a>" in html
    assert "bob@example.org" in html


def test_tables_render_with_their_cells():
    html = render_markdown("| Day | Mood |\n|-----|------|\n| Mon | calm |")
    assert [tag for tag, _ in elements(html)] == [
        "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td",
    ]  # fmt: skip
    assert "<td>calm</td>" in html


def test_code_blocks_render_with_their_content_escaped():
    html = render_markdown("```python\nprint('<b>hi</b>')\n```\n\n    indented <i>\n\n`inline <s>`")
    assert "<pre><code class=\"language-python\">print('&lt;b&gt;hi&lt;/b&gt;')" in html
    assert "<pre><code>indented &lt;i&gt;" in html
    assert "<code>inline &lt;s&gt;</code>" in html
    assert allow_list_violations(html) == []


def test_ordinary_markdown_keeps_its_formatting():
    html = render_markdown(
        "# Title\n\n*soft* **strong** ~~struck~~\n\n> quoted\n\n3. three\n4. four\n\n- item\n\n---"
    )
    tags = {tag for tag, _ in elements(html)}
    assert {"h1", "em", "strong", "s", "blockquote", "ol", "ul", "li", "hr"} <= tags
    assert '<ol start="3">' in html


def test_kitchen_sink_output_stays_inside_the_allow_list():
    source = "\n\n".join(
        [
            "# H1\n## H2\n###### H6",
            '*e* **s** ~~d~~ `c` [l](https://e.org "t") <https://e.org> @Someone',
            "> quote\n> > nested",
            "1. a\n2. b\n\n- c\n- d",
            "| a | b |\n|:--|--:|\n| 1 | 2 |",
            "```html\n<p>x</p>\n```",
            "![img](https://e.org/i.png)",
            "line one  \nline two",
            "***",
            *HOSTILE.values(),
        ]
    )
    html = render_markdown(normalise_text(source))
    assert allow_list_violations(html) == []
    assert "<script" not in html and "<img" not in html


def test_sanitize_html_strips_everything_outside_the_allow_list():
    hostile = (
        '<p style="color:red" onclick="x" class="c" id="i">hi</p><img src=x onerror=alert(1)>'
        "<svg><script>alert(1)</script></svg><math><mi xlink:href=javascript:alert(1)>m</mi></math>"
        "<form action=https://evil.example><input name=a><button>go</button></form>"
        "<object data=x></object><embed src=x><base href=https://evil.example/>"
        '<meta http-equiv=refresh content="0;url=https://evil.example"><link rel=stylesheet href=x>'
        '<a href="javascript:alert(1)" target=_blank style="x">y</a>'
        "<table background=x><tr><td onmouseover=x>1</td></tr></table><video src=x></video>"
        "<details open ontoggle=alert(1)>d</details><textarea>t</textarea><style>*{}</style>"
    )
    html = sanitize_html(hostile)
    assert allow_list_violations(html) == []
    assert "<script" not in html and "<img" not in html and "<style" not in html


def test_full_width_look_alikes_stay_text_and_never_become_a_tag():
    typed = "＜script＞alert(1)＜/script＞ and ＜img src=x onerror=alert(1)＞"
    normalised = normalise_text(typed)
    assert normalised == typed  # NFC keeps full-width forms; NFKC would fold them to "<"
    html = render_markdown(normalised)
    assert "<script" not in html and "<img" not in html
    assert "＜script＞alert(1)＜/script＞" in html
    assert elements(html) == [("p", {})]


HOSTILE_NESTING = {
    "20,000 [": "[" * 20_000,
    "20,000 ![": "![" * 10_000,
    "5,000 nested quotes": "> " * 5_000 + "deep",
    "5,000 nested bullet lists": "- " * 5_000 + "deep",
    "5,000 nested ordered lists": "1. " * 5_000 + "deep",
    "5,000 nested links": "[a](" * 5_000,
    "20,000 <": "<" * 20_000,
    "20,000 emphasis": "*_" * 10_000,
    "20,000 backticks": "`" * 20_000,
    "10,000 mentions": "@abc " * 4_000,
    "quotes and lists mixed": "> - 1. " * 2_000 + "deep",
}


@pytest.mark.parametrize("source", HOSTILE_NESTING.values(), ids=HOSTILE_NESTING.keys())
def test_hostile_nesting_renders_quickly(source):
    started = time.perf_counter()
    html = render_markdown(normalise_text(source))
    elapsed = time.perf_counter() - started
    assert elapsed < 2, f"rendering took {elapsed:.2f} s"
    assert allow_list_violations(html) == []


# Through the real site: post as a member, then read the thread page.


def _post_thread(client, world, body: str) -> str:
    login(client, world.member.pseudonym)
    slug = world.board.slug
    response = post_form(client, f"/b/{slug}/new", {"title": "Hostile test", "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_hostile_post_is_harmless_on_the_thread_page(client, world):
    body = "\n\n".join(HOSTILE.values())
    page = _post_thread(client, world, body)

    (rendered,) = post_bodies(page)
    _assert_harmless(rendered)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown as text
    # On the whole page: no image at all, no handler, and the only script is the site's file.
    page_elements = elements(page)
    assert not [attrs for tag, attrs in page_elements if tag == "img"]
    assert not [
        (tag, name) for tag, attrs in page_elements for name in attrs if name.startswith("on")
    ]
    scripts = [attrs for tag, attrs in page_elements if tag == "script"]
    assert len(scripts) == 1 and (scripts[0]["src"] or "").startswith("/static/js/")
    assert parse(page).script_text == []


def test_posted_links_images_mentions_tables_and_code_render_on_the_page(client, world):
    body = (
        "See [the guide](https://example.org/guide) and ![a photo](https://images.example/p.jpg)"
        f" — thanks @{world.other.pseudonym}!\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```\nkeep <this> as text\n```"
    )
    page = _post_thread(client, world, body)

    (rendered,) = post_bodies(page)
    anchors = links(rendered)
    assert [a["href"] for a in anchors] == [
        "https://example.org/guide",
        "https://images.example/p.jpg",
        f"/u/{world.other.pseudonym}",
    ]
    assert all(a["rel"] == LINK_REL for a in anchors)
    assert "<img" not in page
    assert "<table>" in rendered and "<td>2</td>" in rendered
    assert "<pre><code>keep &lt;this&gt; as text" in rendered


def test_full_width_look_alikes_in_a_post_are_stored_and_shown_as_typed(client, world):
    body = "＜script＞alert(1)＜/script＞"
    page = _post_thread(client, world, body)

    (rendered,) = post_bodies(page)
    assert rendered == "<p>＜script＞alert(1)＜/script＞</p>"
    assert "<script>alert" not in page
    post = db.session.scalar(
        db.select(Post).join(Thread).where(Thread.title == "Hostile test", Post.number == 1)
    )
    assert post.body_source == body
    assert post.body_html == "<p>＜script＞alert(1)＜/script＞</p>"


def test_posting_hostile_nesting_through_the_site_stays_fast(client, world):
    login(client, world.member.pseudonym)
    slug = world.board.slug
    for body in ("[" * 20_000, "> " * 5_000 + "deep", "- " * 5_000 + "deep"):
        started = time.perf_counter()
        response = post_form(client, f"/b/{slug}/new", {"title": "Nesting", "body": body})
        elapsed = time.perf_counter() - started
        assert response.status_code == 302
        assert elapsed < 2, f"posting took {elapsed:.2f} s"
