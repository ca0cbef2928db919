"""Site pages: the shipped defaults, replaced by admins' own text when they set one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from forum.db import utcnow
from forum.extensions import db
from forum.pages.models import SitePage
from forum.security.sanitize import render_markdown
from forum.security.text import normalise_text

PAGES: dict[str, str] = {
    "guidelines": "Community guidelines",
    "privacy": "Privacy",
    "crisis": "Need help now?",
}


class UnknownPage(KeyError):
    """No such site page."""


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body_html: str


@cache
def _default(slug: str) -> Page:
    """The shipped text, rendered once per process (it only changes with a release)."""
    source = resources.files("forum").joinpath(f"content/{slug}.md").read_text()
    return Page(slug, PAGES[slug], render_markdown(source))


def get_page(slug: str) -> Page:
    """The page's current text: the admins' version if set, else the default."""
    if slug not in PAGES:
        raise UnknownPage(slug)
    row = db.session.get(SitePage, slug)
    if row is None:
        return _default(slug)
    return Page(row.slug, row.title, row.body_html)


def set_page(slug: str, source: str, title: str | None = None) -> SitePage:
    """Replace a page's text with admin-written Markdown, rendered and sanitised now."""
    if slug not in PAGES:
        raise UnknownPage(slug)
    source = normalise_text(source)
    row = db.session.get(SitePage, slug) or SitePage(slug=slug)
    row.title = title or PAGES[slug]
    row.body_source = source
    row.body_html = render_markdown(source)
    row.updated_at = utcnow()
    db.session.add(row)
    db.session.flush()
    return row


def reset_page(slug: str) -> None:
    """Go back to the shipped default text."""
    row = db.session.get(SitePage, slug)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
