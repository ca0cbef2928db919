"""The main pages of Kindred and a small forum that fills them, for the page-wide checks.

The accessibility, HTML-validity, page-weight and phone-width tests all walk MAIN_PAGES, each
page seen by the visitor it is meant for: a stranger, a member, a facilitator or an admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forum.accounts.models import User
from forum.boards.models import Board
from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation import actions, reports
from forum.moderation.models import ReviewItem
from forum.notifications.services import notify
from forum.posts import services as posts
from forum.posts.models import Post, Thread
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread

LONG_REPLY = """\
Thank you for writing this. A few things that helped me:

1. Writing **three lines** before bed about what went *well*.
2. A walk, even a short one.

> I don't have to feel better all at once.

Someone shared [this page](https://example.org/sleep) and it helped too."""


@dataclass
class World:
    """A board with a thread and replies, a member, a facilitator, a review item."""

    board: Board
    thread: Thread
    opening: Post
    member: User
    facilitator: User
    admin: User
    item: ReviewItem
    reply: Post
    resolved_item: ReviewItem


def build_world() -> World:
    """Create and commit the forum the page-wide checks look at."""
    board = BoardFactory(
        name="Sleep", slug="sleep", description="Nights, rest and tiredness.",
        guidelines_source="Be gentle.", guidelines_html="<p>Be gentle.</p>",
    )  # fmt: skip
    BoardFactory(name="Grief and loss", slug="grief", description="Losing someone or something.")
    member, facilitator, other = (UserFactory(pseudonym=name) for name in
                                  ("willow_path", "harbour_light", "tidepool"))  # fmt: skip
    admin = UserFactory(pseudonym="lighthouse_keeper", is_admin=True)
    grant_facilitator(facilitator, board)
    db.session.commit()
    thread = make_thread(board, member, "Lying awake at 3am",
                         "Does anyone else lie awake replaying the day?")  # fmt: skip
    opening = db.session.scalars(db.select(Post).where(Post.thread_id == thread.id)).one()
    reply = make_reply(thread, other, LONG_REPLY)
    anonymous = posts.create_reply(thread, other, "Same here, most nights.", anonymous=True)
    db.session.commit()
    posts.edit_post(reply, LONG_REPLY + "\n\nEdited to add: be kind to yourself.", None)
    db.session.commit()
    make_thread(board, other, "Naps: yes or no?", "I can't decide if they help.")
    _community(thread, reply, member, facilitator, other)

    reports.report_post(anonymous, member, "guidelines", "Seems off-topic to me")
    db.session.commit()
    item = db.session.scalars(db.select(ReviewItem).where(ReviewItem.post_id == anonymous.id)).one()
    resolved = _resolved_item(thread, other, member, facilitator)
    notify(member.id, "reply", "tidepool replied in “Lying awake at 3am”.", f"/p/{reply.id}")
    db.session.commit()
    return World(board, thread, opening, member, facilitator, admin, item, reply, resolved)


def _community(thread: Thread, reply: Post, member: User, facilitator: User, other: User) -> None:
    """Reactions, a content warning, a muted word, a library entry, a follow."""
    from forum.library.services import answer_suggestion, nominate_post
    from forum.notifications.follows import follow_board
    from forum.preferences.services import save_mutes
    from forum.reactions.services import toggle_reaction

    posts.create_reply(thread, other, "My mum died in spring; nights are the worst.",
                       content_warnings=["loss"])  # fmt: skip
    posts.create_reply(thread, facilitator, "Counting sheep never worked for me.")
    toggle_reaction(member, reply, "helped")
    toggle_reaction(facilitator, reply, "hear")
    save_mutes(member.id, [], "sheep")
    follow_board(member.id, thread.board)
    db.session.commit()
    entry = nominate_post(reply, facilitator)
    db.session.commit()
    answer_suggestion(entry.id, other, accepted=True)
    db.session.commit()


def _resolved_item(thread: Thread, author: User, reporter: User, facilitator: User) -> ReviewItem:
    """A reported reply that a facilitator has approved (its reporter got told)."""
    post = make_reply(thread, author, "Try counting backwards from 300 in threes.")
    reports.report_post(post, reporter, "spam")
    db.session.commit()
    item = db.session.scalars(db.select(ReviewItem).where(ReviewItem.post_id == post.id)).one()
    actions.approve(item, facilitator, item.version)
    db.session.commit()
    return item


@dataclass(frozen=True)
class MainPage:
    """A page to check: a name, how to find its path in a World, who looks, what status."""

    name: str
    path: Callable[[World], str]
    viewer: str  # one of VIEWERS
    status: int = 200


VIEWERS = ("stranger", "member", "facilitator", "admin")
MAIN_PAGES = [
    MainPage("home, logged out", lambda w: "/", "stranger"),
    MainPage("sign-up", lambda w: "/signup", "stranger"),
    MainPage("login", lambda w: "/login", "stranger"),
    MainPage("account recovery", lambda w: "/recover", "stranger"),
    MainPage("guidelines", lambda w: "/guidelines", "stranger"),
    MainPage("privacy", lambda w: "/privacy", "stranger"),
    MainPage("crisis resources", lambda w: "/help", "stranger"),
    MainPage("home", lambda w: "/", "member"),
    MainPage("board", lambda w: f"/b/{w.board.slug}", "member"),
    MainPage("thread", lambda w: f"/t/{w.thread.id}", "member"),
    MainPage("compose", lambda w: f"/b/{w.board.slug}/new", "member"),
    MainPage("edit", lambda w: f"/p/{w.opening.id}/edit", "member"),
    MainPage("withdraw", lambda w: f"/p/{w.opening.id}/withdraw", "member"),
    MainPage("report", lambda w: f"/p/{w.reply.id}/report", "member"),
    MainPage("worried", lambda w: f"/p/{w.reply.id}/worried", "member"),
    MainPage("support after crisis", lambda w: f"/support?post={w.opening.id}", "member"),
    MainPage("profile", lambda w: f"/u/{w.member.pseudonym}", "member"),
    MainPage("settings", lambda w: "/settings", "member"),
    MainPage("notifications", lambda w: "/notifications", "member"),
    MainPage("my moderation", lambda w: "/me/moderation", "member"),
    MainPage("search", lambda w: "/search", "member"),
    MainPage("search results", lambda w: "/search?q=sleep+night", "member"),
    MainPage("search, nothing found", lambda w: "/search?q=zebra", "member"),
    MainPage("unanswered threads", lambda w: "/unanswered", "member"),
    MainPage("what helped", lambda w: f"/b/{w.board.slug}/what-helped", "member"),
    MainPage("my what helped", lambda w: "/me/what-helped", "member"),
    MainPage("notification settings", lambda w: "/settings/notifications", "member"),
    MainPage("muted words", lambda w: "/settings/muted", "member"),
    MainPage("queue", lambda w: "/review", "facilitator"),
    MainPage("queue item", lambda w: f"/review/{w.item.id}", "facilitator"),
    MainPage("resolved queue item", lambda w: f"/review/{w.resolved_item.id}", "facilitator"),
    MainPage("revisions", lambda w: f"/p/{w.reply.id}/revisions", "facilitator"),
    MainPage("queue health", lambda w: "/review/health", "admin"),
    MainPage("appeals", lambda w: "/review/appeals", "admin"),
    MainPage("error 404", lambda w: "/b/no-such-board", "member", 404),
    MainPage("error 403", lambda w: "/review", "member", 403),
    MainPage("error 400", lambda w: f"/t/{w.thread.id}?page=two", "member", 400),
    MainPage("error 404, logged out", lambda w: "/no/such/page", "stranger", 404),
]


def open_as_viewers(
    world: World, new_context: Callable[..., Any], **options: Any
) -> dict[str, Any]:
    """A page per kind of visitor (contexts made with `options`), logged in as needed."""
    from tests.browser.helpers import log_in

    pages = {viewer: new_context(**options).new_page() for viewer in VIEWERS}
    for viewer in ("member", "facilitator", "admin"):
        log_in(pages[viewer], getattr(world, viewer))
    return pages
