"""Role checks as view decorators. Every check runs on the server, for every action."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["admin_required", "login_required"]


def admin_required(view: F) -> F:
    """Allow admins only; others get 403 (visitors who are not logged in are sent to log in)."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
