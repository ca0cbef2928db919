"""Roles: member by default, admin site-wide, facilitator per board."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from forum.accounts.services import create_account
from forum.boards.services import grant_facilitator, is_facilitator, revoke_facilitator
from forum.extensions import db
from tests.conftest import PASSWORD
from tests.factories import BoardFactory, UserFactory


def test_new_members_have_the_member_role(ctx):
    signed_up = create_account("QuietFern", PASSWORD)
    built = UserFactory()
    for member in (signed_up, built):
        assert member.role == "member"
        assert member.is_admin is False


def test_the_admin_flag_gives_the_admin_role(ctx):
    assert UserFactory(is_admin=True).role == "admin"
    assert create_account("SteadyOtter", PASSWORD, is_admin=True).role == "admin"


def test_a_member_is_facilitator_of_no_board_until_granted(ctx):
    member, board = UserFactory(), BoardFactory()
    assert not is_facilitator(member, board.id)
    grant_facilitator(member, board)
    db.session.commit()
    assert is_facilitator(member, board.id)
    assert member.role == "member"  # facilitation is per board, not a site-wide role


def test_a_facilitator_of_one_board_is_not_one_of_another(ctx):
    member, board_a, board_b = UserFactory(), BoardFactory(), BoardFactory()
    grant_facilitator(member, board_a)
    db.session.commit()
    assert is_facilitator(member, board_a.id)
    assert not is_facilitator(member, board_b.id)


def test_facilitating_a_board_gives_nothing_to_other_members(ctx):
    facilitator, other, board = UserFactory(), UserFactory(), BoardFactory()
    grant_facilitator(facilitator, board)
    db.session.commit()
    assert not is_facilitator(other, board.id)


def test_granting_facilitator_twice_is_harmless(ctx):
    member, board = UserFactory(), BoardFactory()
    grant_facilitator(member, board)
    grant_facilitator(member, board)
    db.session.commit()
    assert is_facilitator(member, board.id)
    revoke_facilitator(member, board)
    db.session.commit()
    assert not is_facilitator(member, board.id)  # one grant, so one revoke ends it


def test_revoking_facilitator_ends_the_role_on_that_board_only(ctx):
    member, board_a, board_b = UserFactory(), BoardFactory(), BoardFactory()
    grant_facilitator(member, board_a)
    grant_facilitator(member, board_b)
    db.session.commit()
    revoke_facilitator(member, board_a)
    db.session.commit()
    assert not is_facilitator(member, board_a.id)
    assert is_facilitator(member, board_b.id)


def test_revoking_a_role_the_member_does_not_have_changes_nothing(ctx):
    member, board = UserFactory(), BoardFactory()
    revoke_facilitator(member, board)
    db.session.commit()
    assert not is_facilitator(member, board.id)


def test_admins_are_facilitators_of_every_board(ctx):
    admin = UserFactory(is_admin=True)
    boards = [BoardFactory(), BoardFactory()]
    assert all(is_facilitator(admin, board.id) for board in boards)


def test_visitors_who_are_not_logged_in_facilitate_no_board(ctx):
    board = BoardFactory()
    assert not is_facilitator(AnonymousUserMixin(), board.id)
    assert not is_facilitator(None, board.id)
