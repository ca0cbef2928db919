"""Markdown rendering and HTML sanitising: the only module that imports bleach.

Posts are rendered once, at write time: CommonMark (markdown-it-py, raw HTML disabled)
then a strict bleach allow-list. Remote images become plain links so that no third party
learns who is reading; every link gets `rel="nofollow ugc noopener noreferrer"`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import Any

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markupsafe import Markup

LINK_REL = "nofollow ugc noopener noreferrer"
# Deep nesting is the cheap way to make a Markdown parser slow; real posts never need it.
MAX_NESTING = 20

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_MENTION = re.compile(r"@([\w-]{3,30})")
_LANGUAGE_CLASS = re.compile(r"language-[\w+-]{1,30}")


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in {"href", "title"} or (
            name == "class" and value in {"mention", "remote-image"}
        )
    if tag == "ol":
        return name == "start"
    if tag == "code":
        return name == "class" and bool(_LANGUAGE_CLASS.fullmatch(value))
    return False


class _LinkRelFilter(Filter):  # type: ignore[misc]
    """Give every link the same rel, whatever the Markdown produced."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                attrs = dict(token["data"])
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """Turn `@Pseudonym` into a mention token (not inside words or e-mail addresses)."""
    pos = state.pos
    if state.src[pos] != "@":
        return False
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in "_-@."):
        return False
    match = _MENTION.match(state.src, pos)
    if not match:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.content = match.group(1)
    state.pos = match.end()
    return True


def _render_mention(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    name = escapeHtml(tokens[idx].content)
    return f'<a class="mention" href="/u/{name}">@{name}</a>'


def _render_image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """Render an image as a link to it: loading it would tell its host who is reading."""
    token = tokens[idx]
    src = escapeHtml(str(token.attrGet("src") or ""))
    alt = escapeHtml(self.renderInlineAsText(token.children or [], options, env)) or "image"
    return f'<a class="remote-image" href="{src}">Image: {alt}</a>'


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("image", _render_image)
    return md


_markdown = _build_markdown()


def render_markdown(source: str) -> str:
    """Render member Markdown to sanitised HTML. `source` must already be normalised text."""
    return _cleaner.clean(_markdown.render(source)).strip()


def sanitize_html(html: str) -> str:
    """Sanitise HTML from any other origin with the same allow-list."""
    return _cleaner.clean(html)


def trusted(html: str) -> Markup:
    """Mark HTML as safe for templates. Only ever pass HTML produced by this module."""
    return Markup(html)  # noqa: S704 - produced by render_markdown / sanitize_html


def mentions_in(source: str) -> list[str]:
    """The pseudonyms mentioned in a text, in order, without duplicates."""
    seen: dict[str, None] = {}
    for token in _markdown.parseInline(source)[0].children or []:
        if token.type == "mention":
            seen.setdefault(token.content, None)
    return list(seen)


class _TextCollector(HTMLParser):
    """Collects the text of HTML, with a space at block boundaries so words stay apart."""

    _BLOCKS = frozenset({"p", "br", "hr", "li", "blockquote", "pre", "tr", "td", "th",
                         "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, None)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@lru_cache(maxsize=4096)
def plain_text(html: str) -> str:
    """The readable text of stored HTML (entities decoded, whitespace collapsed).

    Pages ask for it on every view (muted words, library excerpts); stored HTML changes
    only on a write, so the parse is kept per process for the posts read most.
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())


_MENTION_LINK = re.compile(r'<a class="mention" href="/u/[^"]*"[^>]*>@([^<]+)</a>')


def mentions_in_html(html: str) -> list[str]:
    """The pseudonyms mentioned in HTML made by `render_markdown`, in order, without
    duplicates: what readers see as mentions (never in code), found without parsing again."""
    return list(dict.fromkeys(unescape(name) for name in _MENTION_LINK.findall(html)))
