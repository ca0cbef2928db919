"""Who is told about a new post: followers but never the poster, board followers of new
threads, held posts only once approved and only once."""

from __future__ import annotations

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation import actions, reports
from forum.moderation.models import ReviewItem
from forum.notifications import follows
from forum.notifications.models import Notification
from forum.posts.models import Post
from forum.privacy.services import change_pseudonym, delete_member
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.notifications.helpers import (
    answer,
    fresh,
    kinds_of,
    logged_in,
    main_of,
    make_forum,
    notes_of,
    start,
    text_of,
    words,
)


def test_a_reply_tells_every_follower_but_not_the_poster(forum):
    thread = start(forum.board, forum.ash)
    first = answer(thread, forum.birch, "I know that feeling.")
    follows.follow_thread(forum.dale.id, thread.id)
    db.session.commit()

    second = answer(thread, forum.ash, "Thank you both.")

    assert kinds_of(forum.ash, first) == ["reply"]
    assert kinds_of(forum.ash, second) == []
    assert kinds_of(forum.birch, second) == ["reply"]
    assert kinds_of(forum.dale, second) == ["reply"]
    assert kinds_of(forum.cedar) == []  # follows nothing
    [note] = [n for n in notes_of(forum.birch) if n.post_id == second.id]
    assert note.link == f"/p/{second.id}"
    assert note.read_at is None


def test_the_notification_names_the_replier_and_the_thread(app, forum):
    thread = start(forum.board, forum.ash, "Long evenings")
    answer(thread, forum.birch)

    page = words(main_of(text_of(logged_in(app, forum.ash).get("/notifications"))))

    assert "Birch replied in “Long evenings”" in page


def test_a_new_thread_tells_the_boards_followers_but_not_its_author(forum):
    follows.follow_board(forum.dale.id, forum.board)
    follows.follow_board(forum.ash.id, forum.board)
    db.session.commit()

    thread = start(forum.board, forum.ash, "Sundays")

    [note] = notes_of(forum.dale)
    assert (note.kind, note.link) == ("new_thread", f"/p/{thread.first_post.id}")
    assert notes_of(forum.ash) == []


def test_new_thread_notification_names_the_board(app, forum):
    follows.follow_board(forum.dale.id, forum.board)
    db.session.commit()
    start(forum.board, forum.ash, "Sundays")

    page = words(text_of(logged_in(app, forum.dale).get("/notifications")))

    assert "Ash started “Sundays” in Evenings" in page


def test_an_anonymous_reply_is_announced_under_its_alias_only(app, forum):
    thread = start(forum.board, forum.ash, "Long evenings")
    post = answer(thread, forum.birch, "Same here.", anonymous=True)

    page = words(main_of(text_of(logged_in(app, forum.ash).get("/notifications"))))

    assert f"{post.anon_alias} replied in “Long evenings”" in page
    assert "Birch" not in page
    assert all("Birch" not in n.text for n in notes_of(forum.ash))


def test_the_anonymous_author_of_a_thread_hears_about_replies(forum):
    thread = start(forum.board, forum.ash, "Quietly", anonymous=True)
    reply = answer(thread, forum.birch)
    assert kinds_of(forum.ash, reply) == ["reply"]
    # Sealed: the row names no post, and its words and link are unreadable without the key.
    (note,) = notes_of(forum.ash)
    assert note.sealed and note.post_id is None
    assert "Quietly" not in note.text and f"/p/{reply.id}" not in note.link
    assert note.shown_text == "A new reply in “Quietly”" and note.shown_link == f"/p/{reply.id}"


def test_nobody_is_told_about_their_own_post(forum):
    follows.follow_board(forum.ash.id, forum.board)
    db.session.commit()
    thread = start(forum.board, forum.ash, "Talking to myself", "Hello @Ash.")
    answer(thread, forum.ash, "Still me, @ash.")
    assert notes_of(forum.ash) == []


def test_held_posts_are_announced_only_when_approved_and_only_once(ctx):
    forum = make_forum(moderation_mode="all")
    facilitator = UserFactory(pseudonym="Willow")
    grant_facilitator(facilitator, forum.board)
    db.session.commit()
    thread = start(forum.board, forum.ash, "Held opening")
    _approve(thread.first_post, facilitator)
    reply = answer(thread, forum.birch, "A held reply, hi @Dale.")

    assert kinds_of(forum.ash, reply) == []
    assert kinds_of(forum.dale, reply) == []
    _approve(reply, facilitator)

    assert kinds_of(forum.ash, reply) == ["reply"]
    assert kinds_of(forum.dale, reply) == ["mention"]


def test_a_post_held_after_it_was_announced_is_not_announced_again_on_approval(forum):
    facilitator = UserFactory(pseudonym="Willow")
    grant_facilitator(facilitator, forum.board)
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch)
    assert kinds_of(forum.ash, reply) == ["reply"]
    reports.report_post(reply, forum.cedar, "guidelines")
    db.session.get(Post, reply.id).hold()  # what screening does with a worrying post
    db.session.commit()

    _approve(reply, facilitator)

    assert kinds_of(forum.ash, reply) == ["reply"]


def _approve(post: Post, facilitator) -> None:  # type: ignore[no-untyped-def]
    fresh()
    item = db.session.scalar(db.select(ReviewItem).where(ReviewItem.post_id == post.id))
    actions.approve(item, facilitator, item.version)
    db.session.commit()
    assert db.session.get(Post, post.id).state == "visible"


def test_a_reply_in_a_hidden_thread_tells_only_those_who_can_see_it(ctx):
    forum = make_forum(moderation_mode="all")
    facilitator = UserFactory(pseudonym="Willow")
    grant_facilitator(facilitator, forum.board)
    thread = start(forum.board, forum.ash)  # held: only Ash and the facilitators see it
    follows.follow_thread(forum.dale.id, thread.id)
    follows.follow_thread(facilitator.id, thread.id)
    forum.board.moderation_mode = "post"
    db.session.commit()

    reply = answer(thread, forum.ash, "Anyone there? @Cedar @Willow")

    assert kinds_of(forum.dale, reply) == []
    assert kinds_of(forum.cedar, reply) == []
    assert kinds_of(facilitator, reply) == ["mention"]


def test_names_are_read_when_shown_so_a_new_pseudonym_leaves_no_trace_of_the_old(app, forum):
    thread = start(forum.board, forum.ash, "Long evenings")
    answer(thread, forum.birch)
    change_pseudonym(forum.birch, "Rowan", PASSWORD)
    db.session.commit()

    page = words(main_of(text_of(logged_in(app, forum.ash).get("/notifications"))))

    assert "Rowan replied in “Long evenings”" in page
    assert "Birch" not in page


def test_deleting_a_members_posts_takes_the_notifications_about_them(forum):
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch, "Hello @Dale")
    assert kinds_of(forum.dale, reply) == ["mention"]

    delete_member(forum.birch, PASSWORD, keep_posts=False)
    db.session.commit()

    fresh()
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0
    assert [n.kind for n in notes_of(forum.ash)] == []  # the reply is gone, so is the news


def test_a_withdrawn_post_is_no_longer_described(app, forum):
    from forum.posts.services import withdraw_post

    thread = start(forum.board, forum.ash, "Long evenings")
    reply = answer(thread, forum.birch, "Something I regret.")
    withdraw_post(db.session.get(Post, reply.id))
    db.session.commit()

    page = words(main_of(text_of(logged_in(app, forum.ash).get("/notifications"))))

    assert "A post you were told about is no longer shown." in page
    assert "Birch" not in page
