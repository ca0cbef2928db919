"""@mentions: matched like pseudonyms are made unique, never through an alias, never to
someone who cannot see the post, at most ten per post, and a mention wins over a reply."""

from __future__ import annotations

import pytest

from forum.extensions import db
from forum.notifications import follows
from forum.notifications.models import Notification
from forum.notifications.receivers import MAX_MENTIONS
from tests.factories import UserFactory
from tests.notifications.helpers import (
    answer,
    kinds_of,
    logged_in,
    main_of,
    make_forum,
    notes_of,
    start,
    text_of,
    words,
)


@pytest.mark.parametrize("written", ["@Dale", "@dale", "@DALE", "@Ｄａｌｅ"])
def test_a_mention_matches_the_pseudonym_ignoring_case_and_width(forum, written):
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch, f"Thinking of you, {written}.")
    assert kinds_of(forum.dale, reply) == ["mention"]


def test_a_mention_in_a_new_thread_tells_the_member(app, forum):
    thread = start(forum.board, forum.ash, "A question for @Cedar", "What do you think, @Cedar?")
    page = words(main_of(text_of(logged_in(app, forum.cedar).get("/notifications"))))
    assert kinds_of(forum.cedar, thread.first_post) == ["mention"]
    assert "Ash mentioned you in “A question for @Cedar”" in page


def test_an_unknown_name_a_name_inside_a_word_or_code_tells_nobody(forum):
    thread = start(forum.board, forum.ash)
    answer(thread, forum.birch, "Hi @Nobody-here, ask@Dale or `@Dale`.")
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1
    assert kinds_of(forum.ash) == ["reply"]
    assert kinds_of(forum.dale) == []


def test_an_anonymous_alias_cannot_be_mentioned(forum):
    thread = start(forum.board, forum.ash, "Quietly", anonymous=True)
    alias = thread.anon_alias
    answer(thread, forum.cedar, "Warm wishes")  # Cedar follows; Ash follows their thread
    reply = answer(thread, forum.birch, f"@{alias} and @{alias.replace(' ', '')} I hear you")
    assert alias.startswith("Anonymous ")
    assert kinds_of(forum.ash, reply) == ["reply"]  # as a follower, never through the alias
    assert kinds_of(forum.cedar, reply) == ["reply"]


def test_a_mention_in_an_anonymous_post_names_the_alias_only(app, forum):
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch, "@Dale you helped me last week.", anonymous=True)

    page = words(main_of(text_of(logged_in(app, forum.dale).get("/notifications"))))

    assert kinds_of(forum.dale, reply) == ["mention"]
    assert f"{reply.anon_alias} mentioned you in “Long evenings”" in page
    assert "Birch" not in page
    assert all("Birch" not in n.text for n in notes_of(forum.dale))


def test_a_member_who_cannot_see_the_thread_is_not_told(ctx):
    forum = make_forum(moderation_mode="all")
    thread = start(forum.board, forum.ash, "Waiting", "Can @Dale see this?")
    assert kinds_of(forum.dale) == []
    admin = UserFactory(pseudonym="Sage", is_admin=True)
    forum.board.moderation_mode = "post"
    db.session.commit()
    answer(thread, forum.ash, "Or @Sage?")
    assert kinds_of(forum.dale) == []
    assert kinds_of(admin) == ["mention"]


def test_a_follower_who_is_mentioned_gets_one_mention_not_a_reply_too(forum):
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch, "@Ash @ash thank you for starting this")
    assert kinds_of(forum.ash, reply) == ["mention"]


def test_a_follower_who_turned_mentions_off_still_hears_of_the_reply(forum):
    follows.save_preferences(forum.ash.id, replies=True, new_threads=True, mentions=False,
                             reactions=True, auto_follow=True)  # fmt: skip
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch, "@Ash thank you")
    assert kinds_of(forum.ash, reply) == ["reply"]


def test_only_the_first_ten_names_in_a_post_are_mentioned(forum):
    members = [UserFactory(pseudonym=f"Friend{i:02d}") for i in range(MAX_MENTIONS + 2)]
    thread = start(forum.board, forum.ash)
    body = " ".join(f"@{m.pseudonym}" for m in members)

    reply = answer(thread, forum.birch, body)

    told = [m for m in members if kinds_of(m, reply) == ["mention"]]
    assert told == members[:MAX_MENTIONS]


def test_repeating_a_name_mentions_once(forum):
    thread = start(forum.board, forum.ash)
    reply = answer(thread, forum.birch, "@Dale @Dale @dale")
    assert kinds_of(forum.dale, reply) == ["mention"]
