"""Posting anonymously: the board policy, what the author and others see, the reply box in
one's own anonymous thread, profiles; and facilitators, who see a member reference."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.moderation import reports
from forum.moderation.models import ActionLog, Flag, ReviewItem, Sanction
from forum.notifications.models import Notification
from forum.posts.anonymity import member_reference
from forum.posts.models import Post, Thread
from forum.posts.services import recent_posts_by
from tests.anonymity.helpers import (
    CALM_BODY,
    act,
    anonymity_checkbox,
    anonymous_reply,
    anonymous_thread,
    article,
    author_line,
    first_post,
    flashes,
    fresh,
    is_checked,
    logged_in,
    main,
    make_board,
    page,
    post_by_id,
    review_section,
    text_of,
    thread_row,
)
from tests.conftest import post_form
from tests.factories import UserFactory, make_reply, make_thread

FORCED_NOTICE = "Posts on this board are always anonymous"
OWN_THREAD_WARNING = "You started this thread anonymously."


def _latest_thread() -> Thread:
    fresh()
    return db.session.scalar(select(Thread).order_by(Thread.id.desc()).limit(1))


def _latest_post() -> Post:
    fresh()
    return db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))


def _start(client, slug: str, title: str, **extra: str):  # type: ignore[no-untyped-def]
    response = post_form(client, f"/b/{slug}/new", {"title": title, "body": CALM_BODY, **extra})
    assert response.status_code == 302, response.status_code
    return _latest_thread()


def _reply(client, thread_id: int, body: str = "Thinking of you.", **extra: str):  # type: ignore[no-untyped-def]
    response = post_form(
        client, f"/t/{thread_id}/reply", {"body": body, **extra}, page=f"/t/{thread_id}"
    )
    assert response.status_code == 302, response.status_code
    return _latest_post()


# The board's policy.


def test_allowed_board_offers_the_checkbox_and_posts_anonymously_only_when_ticked(app, ctx):
    make_board("allowed", slug="anxiety")
    author, reader = UserFactory(pseudonym="FernLantern"), UserFactory()
    client = logged_in(app, author)

    form = page(client, "/b/anxiety/new")
    box = anonymity_checkbox(form)
    assert box and not is_checked(box) and FORCED_NOTICE not in form
    hidden = _start(client, "anxiety", "Quiet worries", anonymous="y")
    named = _start(client, "anxiety", "Hello everyone")

    assert hidden.is_anonymous and first_post(hidden).is_anonymous
    assert not named.is_anonymous and first_post(named).anon_alias is None
    listing = page(logged_in(app, reader), "/b/anxiety")
    assert thread_row(listing, "Quiet worries").startswith(
        f"Quiet worries by {hidden.anon_alias} ·"
    )
    assert "FernLantern" not in thread_row(listing, "Quiet worries")
    assert thread_row(listing, "Hello everyone").startswith("Hello everyone by FernLantern ·")


def test_forced_board_always_posts_anonymously_shows_a_notice_and_no_checkbox(app, ctx):
    make_board("forced", slug="grief")
    author, replier = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    client = logged_in(app, author)

    form = page(client, "/b/grief/new")
    assert FORCED_NOTICE in form and anonymity_checkbox(form) is None
    thread = _start(client, "grief", "Missing my dad")  # no "anonymous" field sent
    assert thread.is_anonymous and first_post(thread).anon_alias == thread.anon_alias

    other = logged_in(app, replier)
    thread_page = page(other, f"/t/{thread.id}")
    assert FORCED_NOTICE in main(thread_page) and anonymity_checkbox(thread_page) is None
    reply = _reply(other, thread.id)
    assert reply.is_anonymous and reply.anon_alias
    shown = page(other, f"/t/{thread.id}")
    assert "FernLantern" not in main(shown) and "MossGate" not in main(shown)


def test_off_board_never_posts_anonymously_and_ignores_a_forged_choice(app, ctx):
    make_board("off", slug="sleep")
    author, replier = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    client = logged_in(app, author)

    form = page(client, "/b/sleep/new")
    assert anonymity_checkbox(form) is None and FORCED_NOTICE not in form
    assert "Post anonymously" not in form
    thread = _start(client, "sleep", "Cannot sleep", anonymous="y")  # forged
    assert not thread.is_anonymous and first_post(thread).anon_alias is None
    reply = _reply(logged_in(app, replier), thread.id, anonymous="y")  # forged
    assert not reply.is_anonymous and reply.anon_alias is None

    shown = page(client, f"/t/{thread.id}")
    assert author_line(shown, reply.id) == "MossGate"
    assert 'href="/u/MossGate"' in article(shown, reply.id)


# What the author and the others see.


@pytest.fixture
def anon(app, ctx):  # type: ignore[no-untyped-def]
    """FernLantern's anonymous thread on an "allowed" board, with MossGate's named reply."""
    board = make_board("allowed", slug="anxiety")
    author, other = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    thread = anonymous_thread(board, author, "Nights are the hardest")
    make_reply(thread, other, "Sending you strength.")
    return board, author, other, thread, first_post(thread)


def test_author_sees_you_beside_their_alias_and_keeps_edit_and_withdraw_rights(app, anon):
    _, author, _, thread, opening = anon
    client = logged_in(app, author)

    shown = page(client, f"/t/{thread.id}")
    card = article(shown, opening.id)
    assert author_line(shown, opening.id) == f"{thread.anon_alias} (you)"
    assert f'href="/p/{opening.id}/edit"' in card and f'href="/p/{opening.id}/withdraw"' in card
    assert "/u/" not in card
    assert page(client, f"/p/{opening.id}/edit")
    edited = post_form(
        client, f"/p/{opening.id}/edit", {"title": "Nights are still hard", "body": "Edited text."}
    )
    assert edited.status_code == 302
    assert post_by_id(opening.id).body_source == "Edited text."
    assert post_by_id(opening.id).is_anonymous

    withdrawn = post_form(client, f"/p/{opening.id}/withdraw", {}, page=f"/p/{opening.id}/withdraw")
    assert withdrawn.status_code == 302
    assert post_by_id(opening.id).is_withdrawn


def test_others_see_only_the_alias_without_profile_link_or_author_rights(app, anon):
    _, author, other, thread, opening = anon
    client = logged_in(app, other)

    shown = page(client, f"/t/{thread.id}")
    card = article(shown, opening.id)
    assert author_line(shown, opening.id) == thread.anon_alias
    assert "(you)" not in card and "/u/" not in card and "FernLantern" not in shown
    assert f"/p/{opening.id}/edit" not in card and f"/p/{opening.id}/withdraw" not in card
    assert f'href="/p/{opening.id}/report"' in card
    assert client.get(f"/p/{opening.id}/edit").status_code == 403
    assert client.get(f"/p/{opening.id}/withdraw").status_code == 403
    forged = post_form(client, f"/p/{opening.id}/withdraw", {}, page=f"/t/{thread.id}")
    assert forged.status_code == 403 and not post_by_id(opening.id).is_withdrawn
    assert "FernLantern" not in text_of(forged)


def test_reply_box_in_own_anonymous_thread_warns_and_is_ticked_by_default(app, anon):
    _, author, _, thread, _ = anon
    client = logged_in(app, author)

    shown = page(client, f"/t/{thread.id}")
    assert OWN_THREAD_WARNING in shown
    assert is_checked(anonymity_checkbox(shown))
    # A browser sends the ticked box: the reply keeps the thread's alias.
    reply = _reply(client, thread.id, "Thank you all.", anonymous="y")
    assert reply.is_anonymous and reply.anon_alias == thread.anon_alias


def test_reply_page_after_an_error_keeps_the_warning_and_the_ticked_box(app, anon):
    _, author, _, thread, _ = anon
    client = logged_in(app, author)

    refused = post_form(
        client, f"/t/{thread.id}/reply", {"body": "", "anonymous": "y"}, page=f"/t/{thread.id}"
    )
    assert refused.status_code == 400
    assert OWN_THREAD_WARNING in text_of(refused)
    assert is_checked(anonymity_checkbox(text_of(refused)))


def test_reply_box_elsewhere_is_not_ticked_and_shows_no_warning(app, anon):
    board, author, other, thread, _ = anon
    named = make_thread(board, author, "My named thread", "Hello.")
    others_thread = make_thread(board, other, "Their thread", "Hi all.")
    anonymous_reply(others_thread, author, "Me too.")

    for client, thread_id in [
        (logged_in(app, other), thread.id),
        (logged_in(app, author), others_thread.id),
        (logged_in(app, author), named.id),
    ]:
        shown = page(client, f"/t/{thread_id}")
        assert OWN_THREAD_WARNING not in shown
        assert anonymity_checkbox(shown) and not is_checked(anonymity_checkbox(shown))


def test_anonymous_posts_never_appear_on_the_authors_profile(app, anon):
    board, author, other, thread, opening = anon
    named = make_thread(board, author, "My named thread", "Hello.")
    others_thread = make_thread(board, other, "Their thread", "Hi all.")
    hidden_reply = anonymous_reply(others_thread, author, "Me too.")

    assert [p.thread_id for p in recent_posts_by(author)] == [named.id]
    for viewer in (other, author):
        profile = main(page(logged_in(app, viewer), "/u/FernLantern"))
        assert f"/p/{first_post(named).id}" in profile
        assert "Nights are the hardest" not in profile and "Their thread" not in profile
        assert f"/p/{opening.id}" not in profile and f"/p/{hidden_reply.id}" not in profile
        assert thread.anon_alias not in profile and hidden_reply.anon_alias not in profile


def test_profile_of_a_member_with_only_anonymous_posts_lists_none(app, anon):
    _, author, other, _, _ = anon

    assert recent_posts_by(author) == []
    assert "No posts yet." in page(logged_in(app, other), "/u/FernLantern")


# Facilitators.


@pytest.fixture
def flagged(app, ctx):  # type: ignore[no-untyped-def]
    """FernLantern's two anonymous posts and one named post, each reported by MossGate; a
    facilitator of the board."""
    board = make_board("allowed", slug="anxiety")
    author, other = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    facilitator = UserFactory(pseudonym="KeeperWren")
    grant_facilitator(facilitator, board)
    own = anonymous_thread(board, author, "Nights are the hardest")
    others = make_thread(board, other, "Their thread", "Hi all.")
    reply = anonymous_reply(others, author, "Me too.")
    named = make_thread(board, author, "My named thread", "Hello.")
    posts = [first_post(own), reply, first_post(named)]
    items = [reports.report_post(p, other, "guidelines").review_item_id for p in posts]
    db.session.commit()
    return author, other, facilitator, posts, items


def _member_ref_on(page_html: str) -> str:
    match = re.search(r"member reference <strong>(M-[A-Z2-7]{6})</strong>", page_html)
    assert match, "no member reference on the page"
    return match.group(1)


def test_review_item_of_an_anonymous_post_shows_a_member_reference_never_the_pseudonym(
    app, flagged
):
    author, _, facilitator, posts, items = flagged
    client = logged_in(app, facilitator)

    pages = [page(client, f"/review/{item_id}") for item_id in items[:2]]
    refs = {_member_ref_on(shown) for shown in pages}
    assert refs == {member_reference(author.id)}  # stable across the member's items
    ref = refs.pop()
    for shown, post in zip(pages, posts[:2], strict=True):
        assert f"By {post.anon_alias}, member reference" in shown
        assert "FernLantern" not in shown and "/u/" not in main(shown)
    assert ref not in {posts[0].anon_alias, posts[1].anon_alias, "FernLantern"}
    assert ref.casefold() != author.pseudonym.casefold()
    # The named post's item names its author as usual.
    named_page = page(client, f"/review/{items[2]}")
    assert "By FernLantern" in named_page and ref not in named_page


def test_member_reference_differs_between_members(app, flagged):
    author, other, facilitator, posts, _ = flagged
    theirs = anonymous_reply(posts[0].thread, other, "Same here, honestly.")
    item_id = reports.report_post(theirs, author, "spam").review_item_id
    db.session.commit()

    shown = page(logged_in(app, facilitator), f"/review/{item_id}")
    assert _member_ref_on(shown) == member_reference(other.id) != member_reference(author.id)
    assert "MossGate" not in shown


def test_other_flagged_items_of_an_anonymous_item_list_only_that_members_anonymous_items(
    app, flagged
):
    _, _, facilitator, _, (first, second, named) = flagged
    client = logged_in(app, facilitator)

    listed = review_section(page(client, f"/review/{first}"), "The author's other flagged items")
    assert f'href="/review/{second}"' in listed
    assert f"/review/{named}" not in listed
    listed = review_section(page(client, f"/review/{second}"), "The author's other flagged items")
    assert f'href="/review/{first}"' in listed and f"/review/{named}" not in listed


def test_named_item_does_not_list_the_members_anonymous_items(app, flagged):
    _, _, facilitator, _, (first, second, named) = flagged

    listed = review_section(
        page(logged_in(app, facilitator), f"/review/{named}"), "The author's other flagged items"
    )
    assert f"/review/{first}" not in listed and f"/review/{second}" not in listed
    assert "None." in listed


@pytest.mark.parametrize("kind", ["warning", "mute"])
def test_facilitator_sanctions_the_anonymous_author_through_the_item_without_learning_who(
    app, flagged, kind
):
    author, other, facilitator, posts, items = flagged
    client = logged_in(app, facilitator)
    reason = "Please keep to the board's guidelines."

    response = act(client, items[0], "sanction", kind=kind, reason=reason)
    assert response.status_code == 302
    after = client.get(response.headers["Location"])
    assert "Sanction recorded." in flashes(text_of(after))
    assert "FernLantern" not in text_of(after) + text_of(response)
    fresh()
    sanction = db.session.scalar(select(Sanction))
    # The sanction names the member but not the item; the log row names the item but not
    # the member (only the opaque reference): no row ties the member to the post.
    assert (sanction.user_id, sanction.kind, sanction.review_item_id) == (author.id, kind, None)
    logged = db.session.scalar(select(ActionLog).where(ActionLog.action == f"sanction_{kind}"))
    assert (logged.review_item_id, logged.actor_id) == (items[0], facilitator.id)
    assert logged.subject_user_id is None and "sanction_id" not in logged.details
    assert member_reference(author.id) in logged.details
    told = db.session.scalars(select(Notification.kind).where(Notification.user_id == author.id))
    assert f"sanction_{kind}" in set(told)

    record = html.unescape(page(logged_in(app, author), "/me/moderation"))
    assert kind.capitalize() in record and reason in record
    assert reason not in html.unescape(page(logged_in(app, other), "/me/moderation"))
    if kind == "mute":
        refused = post_form(
            logged_in(app, author),
            f"/t/{posts[0].thread_id}/reply",
            {"body": "Hello?"},
            page=f"/t/{posts[0].thread_id}",
        )
        assert refused.status_code == 400 and "can't post until" in html.unescape(text_of(refused))


def test_review_item_survives_as_the_same_anonymous_item_after_the_post_is_edited(app, flagged):
    author, _, facilitator, posts, items = flagged
    edited = post_form(logged_in(app, author), f"/p/{posts[1].id}/edit", {"body": "Me too, a lot."})
    assert edited.status_code == 302

    shown = page(logged_in(app, facilitator), f"/review/{items[1]}")
    assert _member_ref_on(shown) == member_reference(author.id)
    assert "FernLantern" not in shown
    fresh()
    item = db.session.get(ReviewItem, items[1])
    assert (item.author_id, item.member_ref) == (None, member_reference(author.id))


def test_own_anonymous_thread_moved_to_a_board_without_anonymity_warns_before_replying(app, ctx):
    allowed, off = make_board("allowed", slug="anxiety"), make_board("off", slug="sleep")
    author, other = UserFactory(pseudonym="FernLantern"), UserFactory(pseudonym="MossGate")
    facilitator = UserFactory(pseudonym="KeeperWren")
    grant_facilitator(facilitator, allowed)
    grant_facilitator(facilitator, off)
    thread = anonymous_thread(allowed, author, "Nights are the hardest")
    item_id = reports.report_post(first_post(thread), other, "guidelines").review_item_id
    db.session.commit()

    moved = act(logged_in(app, facilitator), item_id, "thread", action="move", board="sleep")
    assert moved.status_code == 302
    shown = page(logged_in(app, author), f"/t/{thread.id}")
    assert "/b/sleep" in shown and anonymity_checkbox(shown) is None
    assert "does not take anonymous posts: a reply here will show your pseudonym" in shown
    theirs = page(logged_in(app, other), f"/t/{thread.id}")
    assert "does not take anonymous posts" not in theirs and "FernLantern" not in theirs


# Screening looks at the member's other posts: never across named and anonymous ones.

REPEAT_FLAG = "spam: the same text was posted again"
BURST_FLAG = "or more posts within 10 minutes"


def _flag_reasons(post_id: int) -> list[str]:
    fresh()
    return list(db.session.scalars(select(Flag.reason).where(Flag.post_id == post_id)))


def test_repeated_text_never_ties_an_anonymous_post_to_a_named_one(app, ctx, run_worker):
    board = make_board("allowed", slug="anxiety")
    author, other = UserFactory(pseudonym="FernLantern"), UserFactory()
    text = "Does anyone else find the mornings hardest? I would love some tips."
    named = make_thread(board, author, "Mornings", text)
    hidden = anonymous_reply(make_thread(board, other, "Other thread", "Hi all."), author, text)
    named_again = make_reply(named, author, text)
    assert run_worker() is True

    assert not any(REPEAT_FLAG in reason for reason in _flag_reasons(hidden.id))
    # Within named posts (and within anonymous ones) the repeat is still caught.
    assert any(REPEAT_FLAG in reason for reason in _flag_reasons(named_again.id))
    twice = anonymous_reply(named, author, text)
    assert run_worker() is True
    assert any(REPEAT_FLAG in reason for reason in _flag_reasons(twice.id))


def test_a_burst_of_named_posts_is_not_counted_against_the_members_anonymous_post(
    app, ctx, run_worker
):
    board = make_board("allowed", slug="anxiety")
    author = UserFactory(pseudonym="FernLantern")
    thread = make_thread(board, author, "Daily check-in", "Day one.")
    for day in range(2, 6):
        make_reply(thread, author, f"Day {day}.")
    hidden = anonymous_reply(make_thread(board, UserFactory(), "Other", "Hi."), author, "Hm.")
    assert run_worker() is True

    assert not any(BURST_FLAG in reason for reason in _flag_reasons(hidden.id))
    make_reply(thread, author, "Day six.")  # the sixth named post in ten minutes
    assert run_worker() is True
    assert any(BURST_FLAG in reason for reason in _flag_reasons(_latest_post().id))
