"""Account rules: sign-up, passwords, login sessions, recovery codes and roles.

Services add and flush; the request, job or CLI command that calls them commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from importlib import resources

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.accounts.pseudonyms import PseudonymInvalid, normalise_pseudonym, suggest_pseudonyms
from forum.db import utcnow
from forum.extensions import db

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
RECOVERY_CODE_COUNT = 10
# Server-side limits on a login, whatever the cookie says. A session cookie normally
# dies with the browser; the server forgets it after a day regardless.
SESSION_LIFETIME = timedelta(days=1)
REMEMBERED_SESSION_LIFETIME = timedelta(days=30)
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes

__all__ = [
    "LastAdmin",
    "LoginFailed",
    "PasswordRejected",
    "PseudonymInvalid",
    "PseudonymTaken",
    "RecoveryFailed",
    "WrongPassword",
]


class PseudonymTaken(ValueError):
    """Another member already uses this pseudonym (compared case-insensitively)."""


class PasswordRejected(ValueError):
    """The password breaks a rule; the message says which."""


class WrongPassword(ValueError):
    """The member's current password, asked again to confirm an action, is not right."""


class LoginFailed(Exception):
    """The pseudonym or password is wrong. Deliberately does not say which."""


class RecoveryFailed(Exception):
    """The pseudonym or recovery code is wrong, or the code was already used."""


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("forum").joinpath("content/common-passwords.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def check_password_rules(password: str, pseudonym: str = "") -> None:
    """Raise PasswordRejected unless the password is long enough and not a common one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    lowered = password.lower()
    if lowered in _common_passwords() or (pseudonym and pseudonym.lower() in lowered):
        raise PasswordRejected(
            "That password is too easy to guess. Try a few unrelated words together."
        )


def hash_password(password: str) -> str:
    """Hash with werkzeug's scrypt."""
    return generate_password_hash(password, method="scrypt")


def find_user(pseudonym: str) -> User | None:
    """The member with this pseudonym (case-insensitive, NFKC), if any."""
    try:
        _, key = normalise_pseudonym(pseudonym)
    except PseudonymInvalid:
        return None
    return db.session.scalar(select(User).where(User.pseudonym_key == key))


def available_pseudonym_suggestions(count: int = 4) -> list[str]:
    """A few generated pseudonyms that nobody uses yet."""
    candidates = suggest_pseudonyms(count * 2)
    keys = [c.casefold() for c in candidates]
    taken = set(db.session.scalars(select(User.pseudonym_key).where(User.pseudonym_key.in_(keys))))
    return [c for c in candidates if c.casefold() not in taken][:count]


def create_account(pseudonym: str, password: str, *, is_admin: bool = False) -> User:
    """Create a member. Raises PseudonymInvalid, PseudonymTaken or PasswordRejected."""
    display, key = normalise_pseudonym(pseudonym)
    if db.session.scalar(select(User.id).where(User.pseudonym_key == key)) is not None:
        raise PseudonymTaken("That pseudonym is taken. Please choose another.")
    check_password_rules(password, display)
    user = User(
        pseudonym=display,
        pseudonym_key=key,
        password_hash=hash_password(password),
        is_admin=is_admin,
        guidelines_accepted_at=utcnow(),
    )
    try:
        with db.session.begin_nested():  # a concurrent sign-up may win the unique key
            db.session.add(user)
    except IntegrityError:
        raise PseudonymTaken("That pseudonym is taken. Please choose another.") from None
    return user


def issue_recovery_codes(user: User) -> list[str]:
    """Replace the member's recovery codes with 10 new ones and return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join(_random_chunk() for _ in range(4)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    db.session.flush()
    return codes


def unused_recovery_code_count(user: User) -> int:
    """How many recovery codes the member can still use."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def authenticate(pseudonym: str, password: str) -> User:
    """Return the member if the password matches, else raise LoginFailed.

    A hash is checked even for unknown pseudonyms so that timing does not reveal them.
    """
    user = find_user(pseudonym)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise LoginFailed
    if not check_password_hash(user.password_hash, password):
        raise LoginFailed
    return user


def start_login_session(user: User, *, remember: bool) -> str:
    """Record a new signed-in browser and return its secret token (kept in the cookie)."""
    token = secrets.token_urlsafe(32)
    lifetime = REMEMBERED_SESSION_LIFETIME if remember else SESSION_LIFETIME
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=_hash_token(token),
            remember=remember,
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.flush()
    user.login_token = token
    return token


def load_user_from_token(token: str) -> User | None:
    """Flask-Login's loader: the member of a live login session, or None if it was ended."""
    if not token or len(token) > 100:
        return None
    login = db.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _hash_token(token))
    )
    if login is None:
        return None
    if login.expires_at <= utcnow():
        db.session.delete(login)
        db.session.commit()
        return None
    login.user.login_token = token
    return login.user


def end_login_session(token: str | None) -> None:
    """End one signed-in browser; its session and remember cookies stop working."""
    if token:
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == _hash_token(token))
        )


def end_other_login_sessions(user: User) -> None:
    """End every login session of the member except the current one."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if user.login_token:
        query = query.where(LoginSession.token_hash != _hash_token(user.login_token))
    db.session.execute(query)


def end_all_login_sessions(user: User) -> None:
    """End every login session of the member, the current one included."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def confirm_password(
    user: User, password: str, message: str = "Your password is not right."
) -> None:
    """Raise WrongPassword unless `password` is the member's current password.

    Asked again before anything sensitive: new recovery codes, a new password, an export,
    a deletion, a pseudonym change.
    """
    if not check_password_hash(user.password_hash, password):
        raise WrongPassword(message)


def change_password(user: User, current: str, new: str) -> None:
    """Change the password (the current one is required) and end every other session."""
    confirm_password(user, current, "Your current password is not right.")
    check_password_rules(new, user.pseudonym)
    _set_password(user, new)
    end_other_login_sessions(user)


def reset_password_with_code(pseudonym: str, code: str, new: str) -> User:
    """Reset a forgotten password with a recovery code, which is then spent.

    Every login session of the member ends. Raises RecoveryFailed or PasswordRejected.
    """
    user = find_user(pseudonym)
    record = None
    if user is not None:
        record = db.session.scalar(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _hash_code(code),
                RecoveryCode.used_at.is_(None),
            )
        )
    if user is None or record is None:
        raise RecoveryFailed
    check_password_rules(new, user.pseudonym)
    record.spend()
    _set_password(user, new)
    end_all_login_sessions(user)
    return user


def delete_account(user: User, password: str) -> None:
    """Delete the account and its sessions and codes; posts stay as "former member"."""
    confirm_password(user, password)
    db.session.delete(user)
    db.session.flush()


class LastAdmin(ValueError):
    """The change would leave Kindred with no admin."""


def set_admin(user: User, is_admin: bool) -> bool:
    """Grant or remove the site-wide admin role; returns False if nothing changed.

    Raises LastAdmin rather than remove the only admin.
    """
    if user.is_admin == is_admin:
        return False
    if not is_admin:
        others = select(func.count()).select_from(User)
        others = others.where(User.is_admin.is_(True), User.id != user.id)
        if not db.session.scalar(others):
            raise LastAdmin(f"{user.pseudonym} is the only admin; grant the role to another first.")
    user.is_admin = is_admin
    db.session.flush()
    return True


def list_admins() -> list[User]:
    """Every admin, by pseudonym."""
    query = select(User).where(User.is_admin.is_(True)).order_by(User.pseudonym_key)
    return list(db.session.scalars(query))


def reset_password_by_admin(user: User) -> tuple[str, list[str]]:
    """Give the member a new random password and new recovery codes; end every session.

    For a member who lost both. Returns the password and codes, to be handed over once.
    """
    password = "-".join(_random_chunk() for _ in range(5))
    _set_password(user, password)
    end_all_login_sessions(user)
    return password, issue_recovery_codes(user)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def _random_chunk() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash_code(code: str) -> str:
    # Codes carry 78 bits of randomness, so a fast hash is enough; nothing to stretch.
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
