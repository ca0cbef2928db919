"""Helpers for the anonymity tests: anonymous posts made the way the product makes them,
logged-in browsers, reading pages, review-item forms, and a crawler that looks for leaks."""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import product
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db
from forum.moderation.models import ReviewItem
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from tests.conftest import login, post_form
from tests.factories import BoardFactory

CALM_BODY = "Some evenings are easier than others. Tea and a walk help a little."

# Builders.


def make_board(policy: str = "allowed", **fields: Any) -> Board:
    """A board with the given anonymity policy: allowed, forced or off."""
    return BoardFactory(anonymous_policy=policy, **fields)


def anonymous_thread(
    board: Board, author: User, title: str = "Nights are the hardest", body: str = CALM_BODY
) -> Thread:
    """Start an anonymous thread through the posts service and commit it."""
    thread = posts.create_thread(board, author, title, body, anonymous=True)
    db.session.commit()
    return thread


def anonymous_reply(thread: Thread, author: User, body: str = CALM_BODY) -> Post:
    """Reply anonymously through the posts service and commit it."""
    post = posts.create_reply(thread, author, body, anonymous=True)
    db.session.commit()
    return post


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def fresh() -> None:
    """Forget what the test's session cached, so the next read sees what requests wrote."""
    db.session.rollback()


def post_by_id(post_id: int) -> Post:
    fresh()
    post = db.session.get(Post, post_id)
    assert post is not None
    return post


def items_of(post_id: int) -> list[ReviewItem]:
    """The post's review items, oldest first."""
    fresh()
    query = select(ReviewItem).where(ReviewItem.post_id == post_id).order_by(ReviewItem.id)
    return list(db.session.scalars(query))


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A fresh browser logged in as `user`."""
    client = app.test_client()
    response = login(client, user.pseudonym)
    assert response.status_code == 302, "login failed"
    return client


# Pages.


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def page(client: FlaskClient, url: str) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return text_of(response)


def main(page_html: str) -> str:
    """The page's main content, without the header (which names the viewer)."""
    return page_html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def article(page_html: str, post_id: int) -> str:
    """The HTML of one post card on a thread page ("" when the post is not shown)."""
    match = re.search(rf'<article [^>]*id="p{post_id}".*?</article>', page_html, re.S)
    return match.group(0) if match else ""


def author_line(page_html: str, post_id: int) -> str:
    """The text of a post card's author line, tags removed, whitespace collapsed."""
    match = re.search(
        rf'<span class="author" id="p{post_id}-author">(.*?)</span>\s*<a', page_html, re.S
    )
    assert match, f"post {post_id} is not on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def thread_row(page_html: str, title: str) -> str:
    """The text of a board listing's row for the thread with this title, tags removed."""
    match = re.search(
        rf'<li class="thread-row[^"]*">\s*<a class="thread-title"[^>]*>'
        rf"{re.escape(html.escape(title))}</a>.*?</li>",
        page_html,
        re.S,
    )
    assert match, f"no row for {title!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def anonymity_checkbox(page_html: str) -> str | None:
    """The "Post anonymously" input of the page's form, if there is one."""
    match = re.search(r'<input[^>]*\bname="anonymous"[^>]*>', page_html)
    return match.group(0) if match else None


def is_checked(input_html: str | None) -> bool:
    return input_html is not None and re.search(r"\schecked\b", input_html) is not None


def flashes(page_html: str) -> list[str]:
    return [
        html.unescape(m) for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page_html)
    ]


def review_section(page_html: str, heading: str) -> str:
    """The HTML between an <h3> heading of the review item page and the next heading."""
    match = re.search(
        rf"<h3>{re.escape(heading)}</h3>(.*?)(?:<h[23][ >]|</section>)", page_html, re.S
    )
    assert match, f"no {heading!r} section"
    return match.group(1)


def act(client: FlaskClient, item_id: int, action: str, /, **fields: Any) -> Any:
    """Send one action form of a review item page, with the version the page shows."""
    item_url = f"/review/{item_id}"
    version = re.search(
        rf'name="{action}-version"[^>]*value="(\d+)"|value="(\d+)"[^>]*'
        rf'name="{action}-version"',
        page(client, item_url),
    )
    assert version, f"no {action} form on {item_url}"
    data = {f"{action}-version": version.group(1) or version.group(2)}
    data |= {f"{action}-{name}": value for name, value in fields.items()}
    return post_form(client, f"{item_url}/{action}", data, page=item_url)


# The crawler.


@dataclass
class Visit:
    """One response the crawler received."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    complete: bool = False  # every discovered URL was visited within the limit

    def pages_with(self, text: str) -> list[Visit]:
        return [v for v in self.visits if v.status == 200 and text in v.body]


SKIPPED_PATHS = {"/logout"}
SITE_HOSTS = {"kindred.test", "localhost"}
HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def hrefs_in(page_html: str) -> list[str]:
    """Every href in the page (a regular expression: an HTML parser costs ten times more)."""
    return [html.unescape(a or b) for a, b in HREF.findall(page_html) if a or b]


def same_site(href: str, base: str = "/") -> str | None:
    """The path and query of a same-site link worth visiting; None to skip it."""
    parts = urlsplit(urljoin(f"http://kindred.test{base}", href.strip()))
    if parts.scheme not in {"http", "https"} or parts.hostname not in SITE_HOSTS:
        return None
    if parts.path.startswith("/static/") or parts.path in SKIPPED_PATHS:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: FlaskClient, seeds: Iterable[str], limit: int = 400) -> Crawl:
    """GET every seed, then every same-site link and redirect found, breadth first."""
    result = Crawl()
    queue = deque(url for url in (same_site(s) for s in seeds) if url)
    seen: set[str] = set()
    while queue and len(result.visits) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = text_of(response)
        result.visits.append(Visit(url, response.status_code, list(response.headers.items()), body))
        found = hrefs_in(body) if response.mimetype == "text/html" else []
        found += [response.headers["Location"]] if "Location" in response.headers else []
        queue.extend(u for u in (same_site(h, url) for h in found) if u and u not in seen)
    result.complete = not queue
    return result


_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(?P<name>[^<>]+)>")  # <name> or <converter:name>


def _fill(rule: str, values: dict[str, str]) -> str:
    return _ARGUMENT.sub(lambda match: values[match.group("name")], rule)


def route_urls(
    app: Flask, values: dict[str, list[str]], fallback: list[str]
) -> dict[str, list[str]]:
    """Every GET route of the app, path parameters filled from `values` (by name, else
    `fallback`): endpoint -> URLs. Static files are left out."""
    urls: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        names = [m.group("name") for m in _ARGUMENT.finditer(rule.rule)]
        choices = [values.get(name, fallback) for name in names]
        for combination in product(*choices):
            filled = dict(zip(names, combination, strict=True))
            urls.setdefault(rule.endpoint, []).append(_fill(rule.rule, filled))
    return urls


def post_only_urls(app: Flask, values: dict[str, list[str]], fallback: list[str]) -> list[str]:
    """One URL of every POST-only route, for the 405 page a GET gets there."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()):
            continue
        filled = {
            m.group("name"): values.get(m.group("name"), fallback)[0]
            for m in _ARGUMENT.finditer(rule.rule)
        }
        urls.append(_fill(rule.rule, filled))
    return urls


# What must not leak.


@dataclass(frozen=True)
class Secret:
    """What would link the anonymous posts to their author: every pseudonym the member
    has had (and with it their profile URL), and their user id."""

    pseudonyms: tuple[str, ...]
    user_id: int

    @property
    def profile_paths(self) -> set[str]:
        return {f"/u/{name}" for name in self.pseudonyms}

    def id_pattern(self) -> re.Pattern[str]:
        # The id as a token of its own: in a URL, an attribute or JSON, but not inside a
        # longer number, a token, or the microseconds of a timestamp.
        return re.compile(rf"(?<![\w.]){self.user_id}(?![\w])")


def session_reader(app: Flask) -> Callable[[str], str]:
    """Open the signed session cookie the way the server does (it may be compressed)."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie = app.config["SESSION_COOKIE_NAME"]

    def read(set_cookie: str) -> str:
        name, _, rest = set_cookie.partition("=")
        value = rest.split(";", 1)[0]
        if name != cookie or not value:
            return ""
        return repr(serializer.loads(value))

    return read


def leaks_in(
    visit: Visit,
    secret: Secret,
    read_session: Callable[[str], str],
    *,
    exempt_pseudonym: bool = False,
) -> list[str]:
    """Where the response names the author: body, headers or session cookie."""
    places = [("page", visit.body), ("page text", html.unescape(visit.body))]
    for name, value in visit.headers:
        places.append((f"header {name}", value))
        if name.lower() == "set-cookie":
            places.append(("session cookie", read_session(value)))
    found = []
    pattern = secret.id_pattern()
    for where, content in places:
        for name in () if exempt_pseudonym else secret.pseudonyms:
            if name.casefold() in content.casefold():
                found.append(f"{visit.url} [{visit.status}] names {name} in the {where}")
        if pattern.search(content):
            found.append(
                f"{visit.url} [{visit.status}] holds user id {secret.user_id} in the {where}"
            )
    return found
