"""Rate limits on login, sign-up and recovery, keyed on a hash of the client address."""

from __future__ import annotations

import hashlib
import hmac

from forum.extensions import get_jobs
from tests.accounts.helpers import config_set, signup
from tests.conftest import login, post_form
from tests.factories import UserFactory

TOO_MANY = "Please slow down a little"


def _assert_error_page_in_site_layout(response) -> None:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert TOO_MANY in page
    assert "Error 429" in page
    assert '<a class="brand" href="/">Kindred</a>' in page  # the site header
    assert "Quick exit" in page
    assert "Kindred is peer support, not an emergency service." in page  # the site footer
    assert "Traceback" not in page


def test_login_is_rate_limited_with_the_error_page_in_the_site_layout(app, client):
    member = UserFactory()
    with config_set(app, "RATELIMIT_LOGIN", "3 per minute"):
        statuses = [login(client, member.pseudonym, "wrong password!").status_code
                    for _ in range(3)]  # fmt: skip
        blocked = login(client, member.pseudonym)
    assert statuses == [200, 200, 200]
    _assert_error_page_in_site_layout(blocked)


def test_a_rate_limited_client_cannot_log_in_even_with_the_right_password(app, client):
    member = UserFactory()
    with config_set(app, "RATELIMIT_LOGIN", "3 per minute"):
        for _ in range(3):
            login(client, member.pseudonym, "wrong password!")
        assert login(client, member.pseudonym).status_code == 429
        assert client.get("/settings").status_code == 302
        assert client.get("/login").status_code == 200  # reading the form is not limited


def test_signup_is_rate_limited_with_the_error_page_in_the_site_layout(app, client):
    with config_set(app, "RATELIMIT_SIGNUP", "3 per minute"):
        statuses = [signup(client, f"Quiet{n}", confirm="not the same").status_code
                    for n in range(3)]  # fmt: skip
        blocked = signup(client, "QuietLast")
    assert statuses == [200, 200, 200]
    _assert_error_page_in_site_layout(blocked)


def test_recovery_is_rate_limited(app, client):
    data = {"pseudonym": "Somebody", "code": "abcd-efgh-jkmn-pqrs",
            "password": "a long new password", "confirm": "a long new password"}  # fmt: skip
    with config_set(app, "RATELIMIT_RECOVER", "3 per minute"):
        statuses = [post_form(client, "/recover", data).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_rate_limits_count_each_client_address_separately(app, client):
    member = UserFactory()
    elsewhere = {"REMOTE_ADDR": "203.0.113.7"}
    with config_set(app, "RATELIMIT_LOGIN", "3 per minute"):
        for _ in range(3):
            login(client, member.pseudonym, "wrong password!")
        assert login(client, member.pseudonym).status_code == 429
        other = app.test_client()
        data = {"pseudonym": member.pseudonym, "password": "wrong password!"}
        response = post_form(other, "/login", data, environ_base=elsewhere)
        assert response.status_code == 200


def test_rate_limit_keys_hold_a_keyed_hash_of_the_address_never_the_address(app, client):
    member = UserFactory()
    with config_set(app, "RATELIMIT_LOGIN", "3 per minute"):
        for _ in range(4):
            login(client, member.pseudonym, "wrong password!")
    keys = [key.decode() for key in get_jobs().redis.keys("*")]
    limit_keys = [key for key in keys if "kindred-rl" in key]
    assert limit_keys
    assert not any("127.0.0.1" in key for key in keys)
    secret = app.config["SECRET_KEY"].encode()
    expected = hmac.new(secret, b"127.0.0.1", hashlib.sha256).hexdigest()[:32]
    assert all(expected in key for key in limit_keys)
    unkeyed = hashlib.sha256(b"127.0.0.1").hexdigest()
    assert not any(unkeyed[:32] in key for key in keys)
