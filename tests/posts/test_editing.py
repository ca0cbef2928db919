"""Editing posts: author only, every version kept, history for author and facilitators."""

from __future__ import annotations

import pytest

from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.posts import services
from forum.posts.models import Post, PostRevision, Thread
from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread
from tests.posts.helpers import first_post, logged_in, textarea_text


@pytest.fixture
def author(ctx):
    return UserFactory(pseudonym="Hazel")


@pytest.fixture
def board(ctx):
    return BoardFactory(slug="grief")


@pytest.fixture
def thread(board, author):
    return make_thread(board, author, title="Missing my dad", body="It has been a year.")


@pytest.fixture
def opening(thread):
    return first_post(thread)


def _edit(client, post_id: int, **fields):
    return post_form(client, f"/p/{post_id}/edit", fields)


def _revisions(post_id: int) -> list[PostRevision]:
    query = db.select(PostRevision).where(PostRevision.post_id == post_id)
    return list(db.session.scalars(query.order_by(PostRevision.number)))


def test_the_edit_form_is_filled_with_the_current_title_and_text(app, author, opening):
    page = logged_in(app, author).get(f"/p/{opening.id}/edit").get_data(as_text=True)

    assert 'value="Missing my dad"' in page
    assert "It has been a year.</textarea>" in page


def test_the_edit_form_of_a_reply_has_no_title(app, author, thread):
    reply = make_reply(thread, author)

    page = logged_in(app, author).get(f"/p/{reply.id}/edit").get_data(as_text=True)

    assert 'name="title"' not in page
    assert 'name="body"' in page


def test_the_author_edits_a_post_and_each_version_is_kept(app, author, thread):
    reply = make_reply(thread, author, body="Version one.")
    client = logged_in(app, author)

    first = _edit(client, reply.id, body="Version **two**.")
    second = _edit(client, reply.id, body="Version three.")

    assert first.status_code == second.status_code == 302
    assert first.location == f"/t/{thread.id}?page=1#p{reply.id}"
    db.session.expire_all()
    post = db.session.get(Post, reply.id)
    assert (post.body_source, post.body_html) == ("Version three.", "<p>Version three.</p>")
    assert post.revision == 3
    assert post.edited_at is not None
    versions = _revisions(reply.id)
    assert [rev.number for rev in versions] == [1, 2, 3]
    assert [rev.body_source for rev in versions] == [
        "Version one.",
        "Version **two**.",
        "Version three.",
    ]
    assert versions[1].body_html == "<p>Version <strong>two</strong>.</p>"
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Version three." in page
    assert "Version one." not in page
    assert '<span class="edited">edited</span>' in page
    assert f'href="/p/{reply.id}/revisions">History' in page


def test_saving_without_changes_adds_no_revision(app, author, opening):
    response = _edit(
        logged_in(app, author), opening.id, title="Missing my dad", body="It has been a year."
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Post, opening.id).revision == 1
    assert len(_revisions(opening.id)) == 1


def test_editing_the_first_post_can_change_the_thread_title(app, author, thread, opening):
    response = _edit(
        logged_in(app, author),
        opening.id,
        title="  Missing   my father ",
        body="It has been a year.",
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).title == "Missing my father"
    latest = _revisions(opening.id)[-1]
    assert (latest.number, latest.title) == (2, "Missing my father")
    assert latest.body_source == "It has been a year."


def test_editing_a_reply_never_changes_the_thread_title(ctx, author, thread):
    reply = make_reply(thread, author)

    services.edit_post(reply, "Changed reply.", title="A hijacked title")
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(Thread, thread.id).title == "Missing my dad"
    assert _revisions(reply.id)[-1].title is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Missing my dad", "body": ""}, "Please write something before saving."),
        ({"title": "Missing my dad", "body": "d" * 20_001}, "A post is at most 20,000 characters"),
        ({"title": "No", "body": "Still here."}, "A title is 3 to 150 characters long."),
        ({"title": "Missing my dad", "body": "ring\x07"}, "control character (U+0007)"),
    ],
)
def test_an_invalid_edit_is_refused_with_a_message_and_changes_nothing(
    app, author, thread, opening, fields, message
):
    response = _edit(logged_in(app, author), opening.id, **fields)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Post, opening.id).body_source == "It has been a year."
    assert db.session.get(Thread, thread.id).title == "Missing my dad"
    assert len(_revisions(opening.id)) == 1


def test_an_over_long_edit_keeps_the_typed_text(app, author, opening):
    body = "d" * 20_001

    response = _edit(logged_in(app, author), opening.id, title="Missing my dad", body=body)

    assert textarea_text(response.get_data(as_text=True)) == body


def test_another_member_cannot_edit_a_post(app, opening):
    other = logged_in(app, UserFactory())

    assert other.get(f"/p/{opening.id}/edit").status_code == 403
    assert _edit(other, opening.id, title="Mine now", body="Mine now").status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, opening.id).body_source == "It has been a year."


def test_not_even_a_facilitator_or_admin_can_edit_someone_elses_post(app, board, opening):
    facilitator = UserFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()

    for member in (facilitator, UserFactory(is_admin=True)):
        assert logged_in(app, member).get(f"/p/{opening.id}/edit").status_code == 403


def test_edit_links_show_only_on_your_own_posts(app, author, thread, opening):
    other = UserFactory()
    reply = make_reply(thread, other, body="Sending love.")

    page = logged_in(app, author).get(f"/t/{thread.id}").get_data(as_text=True)

    assert f'href="/p/{opening.id}/edit"' in page
    assert f'href="/p/{reply.id}/edit"' not in page
    assert f'href="/p/{reply.id}/withdraw"' not in page


def test_editing_an_unknown_post_is_404(app, author):
    assert logged_in(app, author).get("/p/987654/edit").status_code == 404


def _edited_twice(post: Post) -> None:
    services.edit_post(post, "Second version.")
    services.edit_post(post, "Third version.")
    db.session.commit()


def test_the_author_sees_every_version_newest_first(app, author, opening):
    _edited_twice(opening)

    response = logged_in(app, author).get(f"/p/{opening.id}/revisions")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Version 3 (current)" in page
    order = [page.index(text) for text in ("Third version.", "Second version.", "It has been")]
    assert order == sorted(order)
    assert "<strong>Title:</strong> Missing my dad" in page


@pytest.mark.parametrize("who", ["facilitator of this board", "admin"])
def test_facilitators_of_the_board_and_admins_see_the_history(app, board, opening, who):
    member = UserFactory(is_admin=who == "admin")
    if who != "admin":
        grant_facilitator(member, board)
        db.session.commit()
    _edited_twice(opening)

    response = logged_in(app, member).get(f"/p/{opening.id}/revisions")

    assert response.status_code == 200
    assert "It has been a year." in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["member", "facilitator of another board"])
def test_other_members_and_other_boards_facilitators_cannot_see_the_history(app, opening, who):
    member = UserFactory()
    if who != "member":
        grant_facilitator(member, BoardFactory())
        db.session.commit()
    _edited_twice(opening)

    response = logged_in(app, member).get(f"/p/{opening.id}/revisions")

    assert response.status_code == 403
    assert "It has been a year." not in response.get_data(as_text=True)


def test_a_revoked_facilitator_loses_the_history(app, board, opening):
    from forum.boards.services import revoke_facilitator

    member = UserFactory()
    grant_facilitator(member, board)
    db.session.commit()
    client = logged_in(app, member)
    assert client.get(f"/p/{opening.id}/revisions").status_code == 200

    revoke_facilitator(member, board)
    db.session.commit()

    assert client.get(f"/p/{opening.id}/revisions").status_code == 403
