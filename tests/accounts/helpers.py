"""Helpers for the account tests: sign-up through the page, cookies, form errors, fresh reads."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.extensions import db
from tests.conftest import PASSWORD, post_form

CODE_RE = re.compile(r"<li><code>([a-z0-9]{4}(?:-[a-z0-9]{4}){3})</code></li>")
FORM_ERRORS_RE = re.compile(r'<div class="form-errors" role="alert">(.*?)</div>', re.S)
INPUT_NAME_RE = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"")


def signup(
    client: FlaskClient,
    pseudonym: str,
    password: str = PASSWORD,
    confirm: str | None = None,
    accept: bool = True,
) -> Any:
    """Fill in and send the sign-up form the way a browser would."""
    data = {
        "pseudonym": pseudonym,
        "password": password,
        "confirm": password if confirm is None else confirm,
    }
    if accept:
        data["accept_guidelines"] = "y"
    return post_form(client, "/signup", data)


def recovery_codes(response: Any) -> list[str]:
    """The recovery codes listed on a recovery-codes page."""
    return CODE_RE.findall(response.get_data(as_text=True))


def field_errors(page: str, field_id: str) -> list[str]:
    """The error messages shown under one form field."""
    match = re.search(rf'<ul class="field-errors" id="{re.escape(field_id)}-errors">(.*?)</ul>',
                      page, re.S)  # fmt: skip
    if match is None:
        return []
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def form_errors(page: str) -> list[str]:
    """The form-wide error messages (those not tied to one field)."""
    match = FORM_ERRORS_RE.search(page)
    if match is None:
        return []
    return [html.unescape(item) for item in re.findall(r"<p>(.*?)</p>", match.group(1), re.S)]


def input_names(page: str) -> set[str]:
    """The names of every input, select and textarea in the page's main content."""
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return set(INPUT_NAME_RE.findall(main))


def cookie_value(client: FlaskClient, name: str) -> str | None:
    """The value of a cookie the client holds for the test server, if any."""
    cookie = client.get_cookie(name, domain=client.application.config["SERVER_NAME"])
    return None if cookie is None else cookie.value


def client_with_cookies(app: Flask, cookies: dict[str, str]) -> FlaskClient:
    """A brand-new browser that holds only the given cookies (for replaying stolen cookies)."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain=app.config["SERVER_NAME"])
    return browser


def is_logged_in(client: FlaskClient) -> bool:
    """True if the client can open the settings page; False if it is sent to log in."""
    response = client.get("/settings")
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    assert urlsplit(response.headers["Location"]).path == "/login"
    return False


def fresh() -> None:
    """Forget what the test's own session cached, so the next read sees what requests wrote."""
    db.session.rollback()


def user_by_id(user_id: int) -> User | None:
    fresh()
    return db.session.get(User, user_id)


def login_session_count(user_id: int) -> int:
    fresh()
    query = select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
    return db.session.scalar(query) or 0


def recovery_code_count(user_id: int) -> int:
    fresh()
    query = select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id)
    return db.session.scalar(query) or 0


@contextmanager
def config_set(app: Flask, name: str, value: Any) -> Iterator[None]:
    """Set one config value for the duration of the block, restoring it in a finally."""
    previous = app.config[name]
    app.config[name] = value
    try:
        yield
    finally:
        app.config[name] = previous
