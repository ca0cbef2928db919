"""Account tables: members, their login sessions and their recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import CreatedAtMixin, UTCDateTime, utcnow
from forum.extensions import db


class User(CreatedAtMixin, db.Model):
    """A member, known only by a pseudonym.

    No e-mail address, real name, IP address or user agent is ever stored here.
    `pseudonym_key` is the NFKC-casefolded form that makes pseudonyms unique.
    """

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(30), nullable=False)
    pseudonym_key: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    guidelines_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    password_changed_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow
    )
    # Set by facilitators' sanctions: muted members read but cannot post; suspended
    # members cannot log in. Kept here so that checking costs no extra query.
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    pseudonym_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # "Take a break": notifications paused and presence hidden until then.
    break_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Every post the member wrote, named or anonymous: "first N posts" board policies and
    # the first-post flag read this, since anonymous posts carry no author id to count.
    posts_written: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    # Set by the accounts service to the token of the login session this request belongs
    # to; Flask-Login stores it in the session and remember cookies instead of the user id.
    login_token = None  # type: str | None (not a column)

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str | None:
        """The login-session token, so a cookie names a revocable session, not a member."""
        return self.login_token

    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > utcnow()

    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    def is_on_break(self) -> bool:
        """Taking a break: the notification badge is paused and recent activity hidden."""
        return self.break_until is not None and self.break_until > utcnow()

    @property
    def role(self) -> str:
        """The site-wide role; facilitator rights are granted per board."""
        return "admin" if self.is_admin else "member"


class LoginSession(CreatedAtMixin, db.Model):
    """One signed-in browser. Deleting the row ends that session and its remember cookie."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    user: Mapped[User] = relationship(lazy="joined")


class RecoveryCode(CreatedAtMixin, db.Model):
    """A one-time code that resets a forgotten password; only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def spend(self) -> None:
        """Mark the code used; a spent code never works again."""
        self.used_at = utcnow()
