"""Site pages: shipped defaults, admins' replacement text, reset, and the CLI."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.pages import services as pages
from forum.pages.models import SitePage

CRISIS_TEXT = """# Talk to someone tonight

Call **0800 000 000** any time. See [our partners](https://example.org/help).

<script>alert("gotcha")</script>
"""


@pytest.mark.parametrize(
    ("url", "title", "excerpt"),
    [
        ("/guidelines", "Community guidelines", "<h2>Be kind</h2>"),
        ("/privacy", "Privacy", "<h2>What we store</h2>"),
        ("/help", "Need help now?", "<strong>988</strong>"),
    ],
)
def test_site_pages_render_their_shipped_default_text(client, url, title, excerpt):
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in page
    assert excerpt in page


def test_set_page_replaces_the_crisis_text_with_rendered_sanitised_markdown(client):
    pages.set_page("crisis", CRISIS_TEXT)
    db.session.commit()

    page = client.get("/help").get_data(as_text=True)
    assert "<strong>0800 000 000</strong>" in page
    assert 'href="https://example.org/help" rel="nofollow ugc noopener noreferrer"' in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page  # shown as text, never run
    assert "988 Suicide" not in page  # the default is gone


def test_set_page_keeps_the_source_and_can_change_the_title(ctx):
    pages.set_page("privacy", "Short and *clear*.", title="Your privacy")
    db.session.commit()

    row = db.session.get(SitePage, "privacy")
    assert row.body_source == "Short and *clear*."
    assert row.body_html == "<p>Short and <em>clear</em>.</p>"
    page = pages.get_page("privacy")
    assert (page.title, page.body_html) == ("Your privacy", row.body_html)


def test_reset_page_restores_the_shipped_default(client):
    default = pages.get_page("crisis").body_html
    pages.set_page("crisis", "Temporary text.")
    db.session.commit()
    assert "Temporary text." in client.get("/help").get_data(as_text=True)

    pages.reset_page("crisis")
    db.session.commit()

    assert db.session.get(SitePage, "crisis") is None
    page = client.get("/help").get_data(as_text=True)
    assert "Temporary text." not in page
    assert default in page


def test_reset_page_without_custom_text_changes_nothing(ctx):
    pages.reset_page("guidelines")
    assert "<h2>Be kind</h2>" in pages.get_page("guidelines").body_html


def test_unknown_pages_are_refused_by_the_service(ctx):
    with pytest.raises(pages.UnknownPage):
        pages.get_page("about")
    with pytest.raises(pages.UnknownPage):
        pages.set_page("about", "Text")


def test_cli_page_set_replaces_the_crisis_text_from_a_file(runner, client, tmp_path):
    source = tmp_path / "crisis.md"
    source.write_text(CRISIS_TEXT)

    result = runner.invoke(args=["forum", "page", "set", "crisis", str(source)])

    assert result.exit_code == 0, result.output
    assert "Page 'crisis' updated." in result.output
    page = client.get("/help").get_data(as_text=True)
    assert "<strong>0800 000 000</strong>" in page
    assert "<script>alert" not in page


def test_cli_page_set_reads_standard_input_and_takes_a_title(runner, client):
    result = runner.invoke(
        args=["forum", "page", "set", "guidelines", "-", "--title", "House rules"],
        input="Be *gentle*.\n",
    )

    assert result.exit_code == 0, result.output
    page = client.get("/guidelines").get_data(as_text=True)
    assert "<h1>House rules</h1>" in page
    assert "<p>Be <em>gentle</em>.</p>" in page


def test_cli_page_reset_goes_back_to_the_default(runner, client, tmp_path):
    source = tmp_path / "crisis.md"
    source.write_text("Temporary text.")
    runner.invoke(args=["forum", "page", "set", "crisis", str(source)])

    result = runner.invoke(args=["forum", "page", "reset", "crisis"])

    assert result.exit_code == 0, result.output
    page = client.get("/help").get_data(as_text=True)
    assert "Temporary text." not in page
    assert "<strong>988</strong>" in page


def test_cli_page_set_refuses_an_unknown_page(runner, tmp_path):
    source = tmp_path / "about.md"
    source.write_text("About us.")

    result = runner.invoke(args=["forum", "page", "set", "about", str(source)])

    assert result.exit_code == 2
    assert "Invalid value" in result.output
