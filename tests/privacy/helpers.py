"""Helpers for the data-rights tests: a member who has done a bit of everything, made
through the product's own services, and ways to read what is left of them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, func, select

from forum.accounts.models import User
from forum.accounts.services import issue_recovery_codes, start_login_session
from forum.boards.models import Board
from forum.boards.services import grant_facilitator
from forum.extensions import db
from forum.library import services as library
from forum.moderation import actions, bulk, reidentify, reports, sanctions
from forum.moderation.models import ReviewItem
from forum.moderation.queue import claim_item
from forum.notifications import follows, reading
from forum.notifications.services import notify
from forum.posts import services as posts
from forum.posts.models import Post, PostRevision, Thread
from forum.preferences.services import save_mutes
from forum.reactions.services import toggle_reaction
from tests.factories import BoardFactory, UserFactory, make_reply, make_thread


@dataclass
class Scene:
    """`member` is the one whose data rights are exercised; ids are kept as plain ints."""

    member_id: int
    pseudonym: str
    other_id: int
    facilitator_id: int
    board_id: int
    shared_thread_id: int  # started by the member; `other` replied
    solo_thread_id: int  # started by the member; only the member posted
    anonymous_thread_id: int  # started anonymously by the member; nobody else posted
    others_thread_id: int  # started by `other`; the member replied twice
    shared_opening_id: int
    other_reply_in_shared_id: int
    edited_reply_id: int  # the member's reply in `others_thread`, edited once
    anonymous_reply_id: int  # the member's anonymous reply in `others_thread`
    hidden_reply_id: int  # the member's reply hidden by the facilitator
    others_opening_id: int
    reported_post_id: int  # `other`'s post the member reported
    sanction_id: int


def build_scene() -> Scene:
    """A member with posts of every kind, revisions, a report made, a post hidden, a
    sanction appealed, notifications, sessions, codes, and (as an admin facilitator)
    claims, decisions, a bulk action, a sanction on someone else and a re-identification
    request. Everything is committed."""
    board = BoardFactory(name="Everyday worries")
    member = UserFactory(is_admin=True)
    other, facilitator, second_admin = UserFactory(), UserFactory(), UserFactory(is_admin=True)
    grant_facilitator(facilitator, board)
    grant_facilitator(member, board)
    issue_recovery_codes(member)
    start_login_session(member, remember=True)
    db.session.commit()

    shared = make_thread(board, member, "Small steps", "I walked to the shop today.")
    other_reply = make_reply(shared, other, "That is a real step. Well done.")
    make_reply(shared, member, "Thank you, it helped to say it.")
    solo = make_thread(board, member, "Notes to myself", "Breathe in for four.")
    make_reply(solo, member, "And out for six.")
    anonymous = posts.create_thread(
        board, member, "Something I can't say openly", "It is hard at home.", anonymous=True
    )
    db.session.commit()
    others = make_thread(board, other, "Evenings", "How do you spend your evenings?")
    edited = make_reply(others, member, "I read a little.")
    posts.edit_post(edited, "I read a little, then sleep.")
    anonymous_reply = posts.create_reply(others, member, "I cry sometimes.", anonymous=True)
    db.session.commit()
    hidden = make_reply(others, member, "A reply that breaks a guideline.")

    reports.report_post(first_post(others), member, "spam", "this looks like an advert")
    item = reports.report_post(hidden, other, "guidelines").review_item_id
    db.session.commit()
    review = db.session.get(ReviewItem, item)
    actions.hide(review, facilitator, review.version, "Please keep it kind.")
    db.session.commit()
    sanction = sanctions.sanction_member(
        facilitator, review, review.version, "warning", "Please read the guidelines."
    )
    db.session.commit()
    sanctions.appeal_sanction(member, sanction.id, "I think this was a misunderstanding.")
    notify(member.id, "facilitator_message", "A message from the facilitators: hello.")
    db.session.commit()
    # Following (their own threads are followed already), notification settings, read marks.
    follows.follow_board(member.id, board)
    follows.save_preferences(member.id, replies=True, mentions=True, auto_follow=False)
    reading.mark_read(member.id, others.id, 2)
    db.session.commit()
    toggle_reaction(member, other_reply, "strength")  # a reaction of theirs
    db.session.commit()
    save_mutes(member.id, ["loss"], "hospital")  # muted themes and words
    helpful = library.nominate_post(first_post(shared), facilitator)  # What helped: said yes
    db.session.commit()
    library.answer_suggestion(helpful.id, member, True)
    db.session.commit()
    _act_as_facilitator(member, other, second_admin, others, board)
    return Scene(
        member_id=member.id, pseudonym=member.pseudonym, other_id=other.id,
        facilitator_id=facilitator.id, board_id=board.id, shared_thread_id=shared.id,
        solo_thread_id=solo.id, anonymous_thread_id=anonymous.id, others_thread_id=others.id,
        shared_opening_id=first_post(shared).id, other_reply_in_shared_id=other_reply.id,
        edited_reply_id=edited.id, anonymous_reply_id=anonymous_reply.id,
        hidden_reply_id=hidden.id, others_opening_id=first_post(others).id,
        reported_post_id=first_post(others).id, sanction_id=sanction.id,
    )  # fmt: skip


def _act_as_facilitator(
    member: User, other: User, second_admin: User, thread: Thread, board: Board
) -> None:
    """The member, as a facilitator and admin, leaves their mark on moderation tables."""
    claimed = _reported(make_reply(thread, other, "A reply someone reports."), second_admin)
    claim_item(claimed, member, claimed.version)
    db.session.commit()
    library.nominate_post(first_post(thread), member)  # suggested for What helped by them
    db.session.commit()
    decided = _reported(make_reply(thread, other, "Another reply someone reports."), second_admin)
    sanctions.sanction_member(member, decided, decided.version, "note", "A gentle note.")
    bulk.bulk_act(member, [decided.id], "approve")
    db.session.commit()
    secret = posts.create_reply(thread, other, "Posted anonymously by other.", anonymous=True)
    db.session.commit()
    reidentify.request_reidentification(member, secret.id, "A credible threat to someone's life.")
    asked = reidentify.request_reidentification(
        second_admin, secret.id, "A second, separate worry."
    )
    reidentify.approve_reidentification(member, asked.id)
    db.session.commit()


def _reported(post: Post, reporter: User) -> ReviewItem:
    item_id = reports.report_post(post, reporter, "spam").review_item_id
    db.session.commit()
    return db.session.get(ReviewItem, item_id)


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def user_columns() -> list[Column]:
    """Every column of every table that refers to an account (a foreign key to user.id)."""
    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == "user" for fk in column.foreign_keys)
    ]


def references_to(user_id: int) -> dict[str, int]:
    """How many rows of each table.column refer to the account, for those that do."""
    db.session.rollback()
    found = {}
    for column in user_columns():
        count = db.session.scalar(select(func.count()).where(column == user_id))
        if count:
            found[f"{column.table.name}.{column.name}"] = count
    return found


def posts_in(thread_id: int) -> list[Post]:
    db.session.rollback()
    return list(
        db.session.scalars(select(Post).where(Post.thread_id == thread_id).order_by(Post.number))
    )


def revisions_of(post_id: int) -> list[PostRevision]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post_id)
            .order_by(PostRevision.number)
        )
    )


def table_rows() -> dict[tuple[str, tuple], dict[str, object]]:
    """Every row of every table, keyed by (table, primary key), read afresh."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        for row in db.session.execute(select(table)).mappings():
            rows[(table.name, tuple(row[k.name] for k in keys))] = dict(row)
    return rows


def changed_cells(before: dict, after: dict) -> set[tuple[str, tuple, str]]:
    """(table, primary key, column) of every cell that differs; rows must be the same."""
    assert before.keys() == after.keys(), "rows were added or removed"
    return {
        (table, key, column)
        for (table, key), row in before.items()
        for column, value in row.items()
        if after[(table, key)][column] != value
    }
