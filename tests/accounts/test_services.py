"""Account services: creating members, password rules, authentication and recovery codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from forum.accounts import services
from forum.accounts.models import RecoveryCode, User
from forum.config import REPO_ROOT
from forum.extensions import db
from tests.conftest import PASSWORD
from tests.factories import UserFactory

NEW_PASSWORD = "a different quite long password"


def test_create_account_stores_the_nfkc_pseudonym_and_its_casefolded_key(ctx):
    user = services.create_account("Ｑｕｉｅｔ_Ｆｅｒｎ", PASSWORD)
    db.session.commit()
    assert (user.pseudonym, user.pseudonym_key) == ("Quiet_Fern", "quiet_fern")
    assert user.guidelines_accepted_at is not None


@pytest.mark.parametrize("second", ["quiet", "QUIET", "Ｑｕｉｅｔ", " Quiet "])
def test_pseudonym_is_unique_case_insensitively_after_nfkc(ctx, second):
    services.create_account("Quiet", PASSWORD)
    db.session.commit()
    with pytest.raises(services.PseudonymTaken) as error:
        services.create_account(second, PASSWORD)
    assert str(error.value) == "That pseudonym is taken. Please choose another."
    assert len(db.session.scalars(select(User)).all()) == 1


def test_password_is_hashed_with_scrypt(ctx):
    user = services.create_account("QuietFern", PASSWORD)
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, PASSWORD)


def test_password_of_exactly_10_characters_is_accepted(ctx):
    user = services.create_account("QuietFern", "x7#kq2!mzp")
    assert check_password_hash(user.password_hash, "x7#kq2!mzp")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("x7#kq2!mz", "Use at least 10 characters."),
        ("x" * 201, "Use at most 200 characters."),
        ("password123", "That password is too easy to guess."),
        ("Password123", "That password is too easy to guess."),
        ("ILOVEYOU12", "That password is too easy to guess."),
        ("1234567890", "That password is too easy to guess."),
        ("QuietFern is my name", "That password is too easy to guess."),
    ],
)
def test_weak_passwords_are_refused_with_a_message_saying_why(ctx, password, message):
    with pytest.raises(services.PasswordRejected) as error:
        services.create_account("QuietFern", password)
    assert str(error.value).startswith(message)
    assert services.find_user("QuietFern") is None


def test_every_listed_common_password_is_refused():
    text = (REPO_ROOT / "forum" / "content" / "common-passwords.txt").read_text()
    listed = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    assert len(listed) > 100
    for password in listed:
        with pytest.raises(services.PasswordRejected):
            services.check_password_rules(password)


def test_authenticate_returns_the_member_for_the_right_password_in_any_case(ctx):
    member = UserFactory(pseudonym="QuietFern", pseudonym_key="quietfern")
    assert services.authenticate("quietfern", PASSWORD).id == member.id


def test_authenticate_fails_the_same_way_for_unknown_pseudonym_and_wrong_password(ctx):
    member = UserFactory()
    with pytest.raises(services.LoginFailed) as wrong_password:
        services.authenticate(member.pseudonym, "not the right password")
    with pytest.raises(services.LoginFailed) as unknown:
        services.authenticate("NobodyByThisName", PASSWORD)
    with pytest.raises(services.LoginFailed) as invalid:
        services.authenticate("not a valid pseudonym!", PASSWORD)
    assert str(wrong_password.value) == str(unknown.value) == str(invalid.value) == ""


def test_ten_distinct_recovery_codes_are_issued_and_only_their_hashes_kept(ctx):
    member = UserFactory()
    codes = services.issue_recovery_codes(member)
    db.session.commit()
    assert len(codes) == len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
    assert services.unused_recovery_code_count(member) == 10


def test_a_recovery_code_resets_the_password_once(ctx):
    member = UserFactory()
    code = services.issue_recovery_codes(member)[0]
    db.session.commit()

    services.reset_password_with_code(member.pseudonym, code, NEW_PASSWORD)
    db.session.commit()
    assert services.authenticate(member.pseudonym, NEW_PASSWORD).id == member.id
    assert services.unused_recovery_code_count(member) == 9

    with pytest.raises(services.RecoveryFailed):
        services.reset_password_with_code(member.pseudonym, code, "yet another long password")


def test_a_recovery_code_works_in_upper_case_and_without_hyphens(ctx):
    member = UserFactory()
    code = services.issue_recovery_codes(member)[0]
    typed = " " + code.replace("-", "").upper() + " "
    services.reset_password_with_code(member.pseudonym, typed, NEW_PASSWORD)
    assert check_password_hash(member.password_hash, NEW_PASSWORD)


def test_a_recovery_code_of_another_member_does_not_work(ctx):
    owner, other = UserFactory(), UserFactory()
    code = services.issue_recovery_codes(owner)[0]
    with pytest.raises(services.RecoveryFailed):
        services.reset_password_with_code(other.pseudonym, code, NEW_PASSWORD)
    assert services.unused_recovery_code_count(owner) == 10


def test_reset_with_a_weak_password_leaves_the_code_unspent(ctx):
    member = UserFactory()
    code = services.issue_recovery_codes(member)[0]
    with pytest.raises(services.PasswordRejected):
        services.reset_password_with_code(member.pseudonym, code, "short")
    assert services.unused_recovery_code_count(member) == 10
    assert check_password_hash(member.password_hash, PASSWORD)


def test_new_recovery_codes_invalidate_the_old_ones(ctx):
    member = UserFactory()
    old = services.issue_recovery_codes(member)
    new = services.issue_recovery_codes(member)
    assert not set(old) & set(new)
    assert services.unused_recovery_code_count(member) == 10
    with pytest.raises(services.RecoveryFailed):
        services.reset_password_with_code(member.pseudonym, old[0], NEW_PASSWORD)
    services.reset_password_with_code(member.pseudonym, new[0], NEW_PASSWORD)


def test_change_password_needs_the_current_password(ctx):
    member = UserFactory()
    before = member.password_hash
    with pytest.raises(services.WrongPassword) as error:
        services.change_password(member, "not the current one", NEW_PASSWORD)
    assert str(error.value) == "Your current password is not right."
    assert member.password_hash == before


def test_change_password_records_when_it_changed(ctx):
    member = UserFactory()
    changed_before = member.password_changed_at
    services.change_password(member, PASSWORD, NEW_PASSWORD)
    db.session.commit()
    assert check_password_hash(member.password_hash, NEW_PASSWORD)
    assert member.password_changed_at > changed_before


def test_delete_account_needs_the_password(ctx):
    member = UserFactory()
    with pytest.raises(services.WrongPassword):
        services.delete_account(member, "not the right password")
    db.session.commit()
    assert db.session.get(User, member.id) is not None
