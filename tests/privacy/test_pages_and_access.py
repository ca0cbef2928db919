"""The privacy page states every retention period; data-rights URLs demand a login and CSRF."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD, login
from tests.factories import UserFactory

URLS = ["/settings/export", "/settings/delete", "/settings/break", "/settings/break/end",
        "/settings/pseudonym"]  # fmt: skip


def _text(client, url: str) -> str:  # type: ignore[no-untyped-def]
    """The page's words, without tags, on one line."""
    page = re.sub(r"<[^>]+>", "", client.get(url).get_data(as_text=True))
    return " ".join(html.unescape(page).split())


def test_privacy_page_states_every_retention_period(client, app):
    days = app.config["FORUM_RETENTION_DAYS"]
    text = _text(client, "/privacy")
    assert "How long we keep it" in text
    assert f"erased {days} days after you withdraw the post or it is hidden" in text
    assert "a sign-in ends after 1 day, or after 30 days if you ticked" in text
    assert "Notifications: kept until you delete your account" in text
    assert "action log: kept for accountability" in text
    assert "it no longer names you or links to you" in text
    assert "Rate limits against abuse: kept in memory for minutes" in text


def test_privacy_page_describes_the_members_data_rights(client):
    text = _text(client, "/privacy")
    for right in ("Download my data", "Change your pseudonym", "Take a break",
                  "Delete your account"):  # fmt: skip
        assert right in text


def test_the_stated_session_lifetimes_are_the_real_ones():
    from forum.accounts.services import REMEMBERED_SESSION_LIFETIME, SESSION_LIFETIME

    assert (SESSION_LIFETIME.days, REMEMBERED_SESSION_LIFETIME.days) == (1, 30)


@pytest.mark.parametrize("url", URLS)
def test_data_rights_urls_send_visitors_to_log_in(client, url):
    response = client.post(url, data={})
    # The CSRF check answers first for a visitor with no session; either way, nothing runs.
    assert response.status_code in {302, 400}
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("url", URLS)
def test_data_rights_urls_refuse_a_post_without_a_csrf_token(client, url):
    member = UserFactory()
    login(client, member.pseudonym)
    response = client.post(url, data={"export-password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired or was sent from elsewhere" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", URLS)
def test_data_rights_urls_take_only_posts(client, url):
    member = UserFactory()
    login(client, member.pseudonym)
    assert client.get(url).status_code == 405
