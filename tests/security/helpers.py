"""Helpers for the security tests: reading HTML and cookies, and snapshots of every store."""

from __future__ import annotations

import re
import zlib
from html.parser import HTMLParser
from typing import Any

from redis import Redis
from sqlalchemy import MetaData, Table, inspect, select
from werkzeug.test import TestResponse

from forum.extensions import db

# The allow-list as the spec states it, written out here rather than imported, so that a
# change to the sanitiser's list shows up as a failing test.
ALLOWED_TAGS = {
    "p", "br", "hr", "a", "em", "strong", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
LINK_REL = "nofollow ugc noopener noreferrer"
SAFE_SCHEMES = {"http", "https", "mailto"}
POST_BODY = re.compile(r'<div class="post-body prose">(.*?)</div>', re.S)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def parse(html: str) -> _Collector:
    """Every element of `html` (tag and attributes, values unescaped) and inline script text."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    return parse(html).elements


def links(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in elements(html) if tag == "a"]


def href_scheme(href: str) -> str | None:
    """The scheme a browser would see: it ignores ASCII whitespace and controls in a URL."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", href).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def allow_list_violations(html: str) -> list[str]:
    """Elements or attributes outside the sanitiser's allow-list, described for a message."""
    problems = []
    for tag, attrs in elements(html):
        if tag not in ALLOWED_TAGS:
            problems.append(f"<{tag}>")
            continue
        for name, value in attrs.items():
            if not _attribute_allowed(tag, name, value or ""):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        if name == "href":
            return href_scheme(value) in SAFE_SCHEMES | {None}
        if name == "class":
            return value in {"mention", "remote-image"}
        return name in {"title", "rel"}
    if tag == "ol":
        return name == "start" and value.isdigit()
    if tag == "code":
        return name == "class" and re.fullmatch(r"language-[\w+-]{1,30}", value) is not None
    return False


def post_bodies(page_html: str) -> list[str]:
    """The rendered bodies of the posts on a thread page (sanitised HTML holds no <div>)."""
    return POST_BODY.findall(page_html)


def assert_site_layout(response: TestResponse) -> str:
    """The page uses the site layout: header, crisis link and quick exit. Returns the HTML."""
    html = response.get_data(as_text=True)
    assert 'class="site-header"' in html
    assert "Need help now?" in html
    assert "Quick exit" in html
    assert "Traceback" not in html
    return html


def set_cookies(response: TestResponse) -> dict[str, dict[str, str | bool]]:
    """The response's Set-Cookie headers: name -> attributes (lowercased; flags are True)."""
    cookies: dict[str, dict[str, str | bool]] = {}
    for header in response.headers.getlist("Set-Cookie"):
        first, *rest = (part.strip() for part in header.split(";"))
        name, _, value = first.partition("=")
        attrs: dict[str, str | bool] = {"value": value}
        for part in rest:
            key, sep, val = part.partition("=")
            attrs[key.lower()] = val if sep else True
        cookies[name] = attrs
    return cookies


def database_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in the database (read on a fresh connection)."""
    with db.engine.connect() as conn:
        reflected = MetaData()
        rows = {}
        for name in sorted(inspect(conn).get_table_names()):
            table = Table(name, reflected, autoload_with=conn)
            ordering = list(table.primary_key.columns) or list(table.columns)
            rows[name] = [tuple(row) for row in conn.execute(select(table).order_by(*ordering))]
        return rows


def redis_contents(redis: Redis) -> list[bytes]:
    """Every key and value in the Redis database, compressed payloads (rq jobs) opened."""
    found: list[bytes] = []
    for key in redis.scan_iter(count=500):
        found.append(key)
        kind = redis.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "string":
            found.append(redis.get(key) or b"")
        elif kind == "hash":
            for field, value in redis.hgetall(key).items():
                found += [field, value]
        elif kind == "list":
            found += redis.lrange(key, 0, -1)
        elif kind == "set":
            found += list(redis.smembers(key))
        elif kind == "zset":
            found += [member for member, _ in redis.zrange(key, 0, -1, withscores=True)]
        elif kind == "stream":
            for _, fields in redis.xrange(key):
                for field, value in fields.items():
                    found += [field, value]
    opened = []
    for item in found:
        try:
            opened.append(zlib.decompress(item))
        except zlib.error:
            continue
    return [item if isinstance(item, bytes) else str(item).encode() for item in found + opened]
