"""The leak test: a member who only ever posts anonymously is named on no page, header,
cookie or error page that anyone else can reach, at every stage of the posts' life.

Member A (QuietMarigold) starts an anonymous thread and replies anonymously in B's thread,
and does nothing under their pseudonym. Then, as A, as another member B, as a facilitator
of the board, as an admin and as a logged-out visitor, the crawler GETs every route of
`app.url_map` (path parameters filled from every id, slug and pseudonym there is, plus
ones that do not exist) and every same-site link it finds from "/" on.

The rule: since A has no named activity, A's pseudonym, profile URL and user id (a
distinctive number, so that it can be looked for as a token anywhere) appear in nothing
B, the facilitator, the admin or a visitor receives. One page is exempt: A's own profile,
/u/QuietMarigold, reached by typing the pseudonym; it must list none of the anonymous
posts. Kindred has no admin page listing every member; if one is added, it belongs in
MEMBER_LISTS below, and still must not connect a member to their anonymous posts.

A's own views are crawled too: there A's anonymous posts carry "(you)", and no profile link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import grant_facilitator
from forum.extensions import db, get_jobs
from forum.moderation.models import BulkAction, Reidentification, ReviewItem, Sanction
from forum.notifications.models import Notification
from forum.posts.anonymity import member_reference
from forum.posts.authorship import author_id_of
from forum.posts.models import Post, Thread
from tests.anonymity.database import rows_linking
from tests.anonymity.helpers import (
    CALM_BODY,
    Crawl,
    Secret,
    Visit,
    act,
    article,
    crawl,
    fresh,
    items_of,
    leaks_in,
    logged_in,
    make_board,
    page,
    post_only_urls,
    route_urls,
    session_reader,
    text_of,
)
from tests.conftest import PASSWORD, post_form
from tests.factories import UserFactory, make_reply

A_ID = 731_905  # distinctive, so that it can be searched for as a token in any page
A_NAME = "QuietMarigold"
A_NEW_NAME = "AmberTideway"
A_TITLE = "Nights are the hardest"
B_TITLE = "Small wins this week"
MEMBER_LISTS: tuple[str, ...] = ()  # admin pages listing every member: none exist
MISSING = "987654"


@dataclass
class Scene:
    app: Flask
    runner: Any
    a_opening: int  # A's anonymous opening post
    a_reply: int  # A's anonymous reply in B's thread
    b_thread: int
    clients: dict[str, FlaskClient]
    secret: Secret = field(default_factory=lambda: Secret((A_NAME,), A_ID))
    titles: set[str] = field(default_factory=lambda: {A_TITLE, B_TITLE})
    # Responses others received while acting (flash pages included), checked like the crawl.
    seen_by_others: list[tuple[str, Visit]] = field(default_factory=list)

    def alias(self, post_id: int) -> str:
        fresh()
        return db.session.get(Post, post_id).anon_alias


def _newest(model: Any) -> Any:
    fresh()
    return db.session.scalar(select(model).order_by(model.id.desc()).limit(1))


def _posted(client: FlaskClient, url: str, data: dict[str, str], page_url: str | None = None):  # type: ignore[no-untyped-def]
    response = post_form(client, url, data, page=page_url)
    assert response.status_code == 302, (url, response.status_code)
    return response


def build_scene(app: Flask, runner: Any, run_worker: Any) -> Scene:
    """A's anonymous thread and anonymous reply in B's thread, on a board the facilitator
    looks after; B's anonymous thread on a forced board; named posts by B and C."""
    board = make_board("allowed", slug="anxiety", name="Anxiety")
    make_board("forced", slug="grief", name="Grief")
    a = UserFactory(id=A_ID, pseudonym=A_NAME)
    b, c = UserFactory(pseudonym="BrightHarbour"), UserFactory(pseudonym="SilverBirch")
    facilitator = UserFactory(pseudonym="SteadyLantern")
    admin = UserFactory(pseudonym="CalmBeacon", is_admin=True)
    UserFactory(pseudonym="NorthStar", is_admin=True)
    grant_facilitator(facilitator, board)
    db.session.commit()
    clients = {
        "A": logged_in(app, a),
        "B": logged_in(app, b),
        "facilitator": logged_in(app, facilitator),
        "admin": logged_in(app, admin),
    }

    new = {"title": A_TITLE, "body": CALM_BODY, "anonymous": "y"}
    _posted(clients["A"], "/b/anxiety/new", new)
    a_thread = _newest(Thread)
    assert run_worker() is True  # screened: A's first post on Kindred goes to the queue
    _posted(clients["B"], "/b/anxiety/new", {"title": B_TITLE, "body": "I went outside today."})
    b_thread = _newest(Thread)
    reply = {"body": "That is a real win. Well done.", "anonymous": "y"}
    _posted(clients["A"], f"/t/{b_thread.id}/reply", reply, f"/t/{b_thread.id}")
    a_reply = _newest(Post)
    _posted(
        clients["B"], f"/t/{a_thread.id}/reply", {"body": "You are not alone."}, f"/t/{a_thread.id}"
    )
    make_reply(db.session.get(Thread, b_thread.id), c, "Proud of you.")
    _posted(
        clients["B"], "/b/grief/new", {"title": "Missing my dad", "body": "It has been a year."}
    )
    assert run_worker() is True
    opening = db.session.scalar(select(Post).where(Post.thread_id == a_thread.id, Post.number == 1))
    assert opening.is_anonymous and a_reply.is_anonymous and author_id_of(a_reply) == A_ID
    # Reactions: B responds to both anonymous posts (A is told), A to B's opening post.
    for post_id in (opening.id, a_reply.id):
        _posted(clients["B"], f"/p/{post_id}/react", {"kind": "strength"}, f"/t/{a_thread.id}")
    b_opening = select(Post.id).where(Post.thread_id == b_thread.id, Post.number == 1)
    react = {"kind": "hear"}
    _posted(clients["A"], f"/p/{db.session.scalar(b_opening)}/react", react, f"/t/{b_thread.id}")
    return Scene(app, runner, opening.id, a_reply.id, b_thread.id, clients)


# The stages of the anonymous posts' life, applied one after the other.


def _keep(scene: Scene, viewer: str, response: Any) -> None:
    """Remember what a viewer other than A received, and the page a redirect led to."""
    responses = [response]
    if response.status_code == 302:
        responses.append(scene.clients[viewer].get(response.headers["Location"]))
    for r in responses:
        visit = Visit(r.request.path, r.status_code, list(r.headers.items()), text_of(r))
        scene.seen_by_others.append((viewer, visit))


def edit(scene: Scene) -> None:
    """A edits both anonymous posts (the opening post's title too)."""
    client = scene.clients["A"]
    page(client, f"/p/{scene.a_reply}/edit")
    _posted(client, f"/p/{scene.a_reply}/edit", {"body": "A real win. Well done, truly."})
    _posted(
        client,
        f"/p/{scene.a_opening}/edit",
        {"title": "Nights are still the hardest", "body": f"{CALM_BODY} (edited)"},
    )
    scene.titles.add("Nights are still the hardest")


def report(scene: Scene) -> None:
    """B reports A's reply, and says they are worried about A's opening post."""
    client = scene.clients["B"]
    reported = post_form(
        client, f"/p/{scene.a_reply}/report", {"reason": "guidelines", "details": "Seems off-topic"}
    )
    _keep(scene, "B", reported)
    _keep(scene, "B", post_form(client, f"/p/{scene.a_opening}/worried", {"details": "Worried."}))
    assert items_of(scene.a_reply) and items_of(scene.a_opening)


def _open_item(post_id: int) -> int:
    return next(item.id for item in reversed(items_of(post_id)) if item.state == "open")


def hide(scene: Scene) -> None:
    """The facilitator hides A's reported reply through its review item."""
    item_id = _open_item(scene.a_reply)
    hidden = act(scene.clients["facilitator"], item_id, "hide", reason="Off-topic for now.")
    _keep(scene, "facilitator", hidden)
    fresh()
    assert db.session.get(Post, scene.a_reply).state == "hidden"


def restore(scene: Scene) -> None:
    """The facilitator restores it."""
    item_id = items_of(scene.a_reply)[-1].id
    _keep(scene, "facilitator", act(scene.clients["facilitator"], item_id, "restore"))
    fresh()
    assert db.session.get(Post, scene.a_reply).state == "visible"


def sanction(scene: Scene) -> None:
    """The facilitator warns A through the item of A's opening post and writes to A; A
    appeals, which puts the appeal on the admins' page."""
    client = scene.clients["facilitator"]
    item_id = _open_item(scene.a_opening)
    _keep(
        scene,
        "facilitator",
        act(client, item_id, "sanction", kind="warning", reason="Please keep to the guidelines."),
    )
    _keep(scene, "facilitator", act(client, item_id, "message", template="check-in"))
    warning = _newest(Sanction)
    assert warning.user_id == A_ID
    _posted(
        scene.clients["A"],
        f"/me/sanctions/{warning.id}/appeal",
        {"text": "I was only sharing how I feel."},
        "/me/moderation",
    )


def reidentify(scene: Scene) -> None:
    """Two admins re-identify the author of A's reply (the CLI, outside every page)."""

    def run(*args: str) -> Any:
        result = scene.runner.invoke(
            args=["forum", "reidentify", *args, "--password-stdin"], input=f"{PASSWORD}\n"
        )
        assert result.exit_code == 0, result.output
        return result

    reason = "A credible threat against another member was reported."
    run("request", str(scene.a_reply), "--reason", reason, "--admin", "CalmBeacon")
    approved = run("approve", str(_newest(Reidentification).id), "--admin", "NorthStar")
    assert f"The author is: {A_NAME}." in approved.output


def rename(scene: Scene) -> None:
    """A changes their pseudonym: neither the old one nor the new one may show."""
    data = {"rename-pseudonym": A_NEW_NAME, "rename-password": PASSWORD}
    _posted(scene.clients["A"], "/settings/pseudonym", data, "/settings")
    scene.secret = Secret((A_NAME, A_NEW_NAME), A_ID)


def delete(scene: Scene) -> None:
    """A deletes their account from the settings page, keeping the (anonymous) posts."""
    data = {"delete-posts": "keep", "delete-password": PASSWORD}
    _posted(scene.clients.pop("A"), "/settings/delete", data, "/settings")
    fresh()
    assert db.session.get(User, A_ID) is None
    assert db.session.get(Post, scene.a_opening).anon_alias


STAGES = {
    "posted": None,
    "edited": edit,
    "reported": report,
    "hidden": hide,
    "restored": restore,
    "sanctioned": sanction,
    "reidentified": reidentify,
    "renamed": rename,
    "deleted": delete,
}


# The crawl.


def _ids(model: Any) -> list[str]:
    return [str(i) for i in db.session.scalars(select(model.id).order_by(model.id))]


def seeds(app: Flask, secret: Secret) -> list[str]:
    """ "/", every GET route filled with every id there is (and one that does not exist),
    some odd query strings, and a GET on every POST-only route (a 405 page)."""
    fresh()
    values = {
        "thread_id": _ids(Thread),
        "post_id": _ids(Post),
        "item_id": _ids(ReviewItem),
        "sanction_id": _ids(Sanction),
        "bulk_id": _ids(BulkAction),
        "request_id": _ids(Reidentification),
        "notification_id": _ids(Notification),
        "user_id": _ids(User),
        "slug": list(db.session.scalars(select(Board.slug))),
        "pseudonym": sorted({*db.session.scalars(select(User.pseudonym)), *secret.pseudonyms}),
    }
    fallback = sorted({i for ids in values.values() for i in ids if i.isdigit()}) + [MISSING]
    values = {
        name: [*found, MISSING if name.endswith("id") else "nobody-here"]
        for name, found in values.items()
    }
    routes = route_urls(app, values, fallback)
    extra = [f"/support?post={post_id}" for post_id in values["post_id"]]
    extra += [f"/t/{t}?page={p}" for t in values["thread_id"][:-1] for p in ("-1", "x", "9")]
    extra += ["/b/anxiety?older=not-a-cursor", "/review?board=anxiety", "/review?lane=crisis"]
    return [
        "/",
        *(url for urls in routes.values() for url in urls),
        *extra,
        *post_only_urls(app, values, fallback),
    ]


def _card_problems(viewer: str, visit: Visit, aliases: dict[int, str]) -> list[str]:
    """On a thread page, A's anonymous posts show their alias, "(you)" only to A, and never
    a profile link."""
    problems = []
    for post_id, alias in aliases.items():
        card = article(visit.body, post_id)
        if not card or visit.status != 200:
            continue
        if "/u/" in card:
            problems.append(f"{visit.url}: post {post_id} links to a profile")
        if viewer == "A" and not (alias in card and "(you)" in card):
            problems.append(f"{visit.url}: A does not see {alias} (you) on post {post_id}")
        if viewer != "A" and "(you)" in card:
            problems.append(f"{visit.url}: {viewer} sees (you) on A's post {post_id}")
    return problems


def _profile_problems(scene: Scene, visit: Visit, aliases: dict[int, str]) -> list[str]:
    """A's profile lists none of A's anonymous posts, threads or aliases."""
    shown = [text for text in [*scene.titles, *aliases.values()] if text in visit.body]
    shown += [f"/p/{post_id}" for post_id in aliases if f'"/p/{post_id}"' in visit.body]
    return [f"{visit.url} shows {text}" for text in shown]


def problems_in(scene: Scene, viewer: str, visits: list[Visit]) -> list[str]:
    read_session = session_reader(scene.app)
    aliases = {post_id: scene.alias(post_id) for post_id in (scene.a_opening, scene.a_reply)}
    problems = [f"{v.url} answered {v.status}" for v in visits if v.status >= 500]
    for visit in visits:
        problems += _card_problems(viewer, visit, aliases)
        profile = visit.path in {*scene.secret.profile_paths, *MEMBER_LISTS}
        if profile and visit.status == 200:
            problems += _profile_problems(scene, visit, aliases)
        if viewer != "A":
            problems += leaks_in(visit, scene.secret, read_session, exempt_pseudonym=profile)
    return problems


def crawl_as(scene: Scene, viewer: str, client: FlaskClient) -> Crawl:
    result = crawl(client, seeds(scene.app, scene.secret), limit=400)
    assert result.complete, f"{viewer}: more than 400 URLs; raise the limit"
    assert len(result.visits) > 60
    return result


def crawl_everyone(scene: Scene, stage: str, visitor: bool) -> list[str]:
    """Crawl as A (while A exists), B, the facilitator, the admin, and maybe a visitor."""
    problems = []
    thread_alias = scene.alias(scene.a_opening)
    a_exists = "A" in scene.clients
    viewers = {**scene.clients, **({"visitor": scene.app.test_client()} if visitor else {})}
    for viewer, client in viewers.items():
        result = crawl_as(scene, viewer, client)
        problems += [f"{viewer}: {p}" for p in problems_in(scene, viewer, result.visits)]
        if viewer != "visitor":  # the crawl did reach the anonymous posts
            assert result.pages_with(thread_alias), f"after {stage}, {viewer} never saw them"
        if viewer in {"facilitator", "admin"} and a_exists:  # and their review items
            assert result.pages_with(member_reference(A_ID)), f"after {stage}: {viewer}"
    return problems


def walk(scene: Scene, run_worker: Any, stages: list[str], crawl_after: list[str]) -> list[str]:
    """Take the posts through `stages` in order, crawling after those in `crawl_after`;
    every place the author is named, with the stage it was found at. A logged-out visitor,
    who only ever gets the login page and the public pages, crawls at the first and last."""
    problems = []
    for stage in stages:
        if STAGES[stage] is not None:
            STAGES[stage](scene)
            if get_jobs().queue.count:  # screen edits, recount boards
                assert run_worker() is True
        if stage in crawl_after:
            visitor = stage in {crawl_after[0], crawl_after[-1]}
            problems += [f"after {stage}: {p}" for p in crawl_everyone(scene, stage, visitor)]
        problems += [f"after {stage}, in the database: {row}" for row in _database_links(scene)]
    for viewer, visit in scene.seen_by_others:
        problems += [f"{viewer} acting: {p}" for p in problems_in(scene, viewer, [visit])]
    return problems


def _database_links(scene: Scene) -> list[str]:
    """Rows that tie A to their anonymous posts for anyone holding a copy of the database."""
    fresh()
    thread = db.session.scalar(select(Post.thread_id).where(Post.id == scene.a_opening))
    anonymous = [scene.a_opening, scene.a_reply]
    return rows_linking(A_ID, anonymous, [thread] if thread else [], words=[A_TITLE])


ACTING = ["posted", "edited", "reported", "hidden", "restored", "sanctioned"]
AFTERWARDS = ["reidentified", "renamed", "deleted"]


def test_no_page_links_an_anonymous_member_to_their_posts_as_members_and_facilitators_act(
    app, ctx, runner, run_worker
):
    scene = build_scene(app, runner, run_worker)

    assert walk(scene, run_worker, ACTING, crawl_after=ACTING) == []


def test_no_page_links_an_anonymous_member_to_their_posts_after_reidentification_or_deletion(
    app, ctx, runner, run_worker
):
    scene = build_scene(app, runner, run_worker)

    assert walk(scene, run_worker, ACTING + AFTERWARDS, crawl_after=AFTERWARDS) == []


def test_the_crawl_does_find_a_member_who_posts_under_their_pseudonym(app, ctx, runner, run_worker):
    scene = build_scene(app, runner, run_worker)
    named = Secret(("SilverBirch",), 1)  # SilverBirch replied under their pseudonym

    result = crawl_as(scene, "B", scene.clients["B"])
    found = [
        p
        for v in result.visits
        for p in leaks_in(v, named, session_reader(app))
        if "names SilverBirch" in p
    ]
    assert any(f"/t/{scene.b_thread}" in p for p in found)
    assert any(p.startswith("/u/SilverBirch ") for p in found)


def test_the_leak_check_spots_a_user_id_in_a_url_or_attribute_but_not_in_other_numbers():
    secret = Secret((A_NAME,), A_ID)

    def found(body: str, headers: list[tuple[str, str]] | None = None) -> list[str]:
        return leaks_in(Visit("/x", 200, headers or [], body), secret, lambda cookie: "")

    assert found(f'<a href="/users/{A_ID}">') and found(f'<span data-author="{A_ID}">')
    assert found("ok", [("X-Member", f"id={A_ID}")]) and found(f'{{"user_id": {A_ID}}}')
    assert found(f"<p>{A_NAME.lower()}</p>") and found("ok", [("Location", f"/u/{A_NAME}")])
    innocent = f'<time datetime="2026-01-02T03:04:05.{A_ID}+00:00"> v=ab{A_ID}c 1{A_ID}'
    assert found(innocent) == []
