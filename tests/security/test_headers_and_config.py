"""Security headers on every response, cookie flags, secret keys, no inline code in templates."""

from __future__ import annotations

import re
import stat

import pytest

from forum import create_app
from forum.config import REPO_ROOT, ConfigError
from tests.conftest import CSRF_RE, PASSWORD, login, post_form
from tests.security.helpers import parse, set_cookies


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def _static(client, world):
    response = client.get("/static/css/kindred.css")
    response.get_data()
    response.close()
    return response


def _logged_in(url: str, method: str = "get", form: dict | None = None):
    def fetch(client, world):
        login(client, world.member.pseudonym)
        target = url.format(slug=world.board.slug, thread=world.thread.id)
        if method == "post":
            return post_form(client, target, form or {})
        return client.get(target)

    return fetch


# name -> (how to get the response, expected status, is it a page)
RESPONSES = {
    "public page": (lambda client, world: client.get("/guidelines"), 200, True),
    "home page for a visitor": (lambda client, world: client.get("/"), 200, True),
    "login page": (lambda client, world: client.get("/login"), 200, True),
    "logged-in settings page": (_logged_in("/settings"), 200, True),
    "logged-in thread page": (_logged_in("/t/{thread}"), 200, True),
    "logged-in form error": (
        _logged_in("/b/{slug}/new", "post", {"title": "x", "body": "y"}), 400, True,
    ),
    "logged-in redirect after posting": (
        _logged_in("/t/{thread}/reply", "post", {"body": "Hello"}), 302, True,
    ),
    "error page": (lambda client, world: client.get("/no/such/page"), 404, True),
    "logged-in error page": (_logged_in("/no/such/page"), 404, True),
    "csrf error page": (lambda client, world: client.post("/login", data={}), 400, True),
    "method not allowed": (lambda client, world: client.get("/logout"), 405, True),
    "redirect to log in": (lambda client, world: client.get("/settings"), 302, True),
    "static file": (_static, 200, False),
}  # fmt: skip


@pytest.mark.parametrize("name", RESPONSES)
def test_security_headers_are_on_every_response(client, world, name):
    fetch, status, is_page = RESPONSES[name]
    response = fetch(client, world)
    assert response.status_code == status
    headers = response.headers

    csp = headers["Content-Security-Policy"]
    directives = _csp_directives(csp)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    for directive in ("script-src", "style-src", "img-src"):
        assert directives.get(directive, ["'self'"]) == ["'self'"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    permissions = headers["Permissions-Policy"]
    assert {"camera=()", "microphone=()", "geolocation=()"} <= {
        p.strip() for p in permissions.split(",")
    }
    assert not re.search(r"\d", headers.get("Server", "")), headers.get("Server")
    if is_page:
        assert "no-store" in headers["Cache-Control"]


def test_https_responses_tell_browsers_to_stay_on_https(client):
    response = client.get("/", base_url="https://kindred.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(response.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= (
        180 * 24 * 3600
    )


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = login(client, world.member.pseudonym)
    assert response.status_code == 302
    cookie = set_cookies(response)["kindred"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


def test_remember_cookie_is_httponly_and_samesite_lax(client, world):
    response = login(client, world.member.pseudonym, remember=True)
    cookie = set_cookies(response)["kindred_remember"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_cookies_use_the_host_prefix_and_are_secure(build_app, world):
    production = build_app(FORUM_ENV="production", SECRET_KEY="x" * 40)
    https = {"base_url": "https://kindred.test"}
    browser = production.test_client()

    page = browser.get("/login", **https)
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    response = browser.post(
        "/login",
        data={"csrf_token": token, "pseudonym": world.member.pseudonym, "password": PASSWORD,
              "remember": "y"},
        headers={"Referer": "https://kindred.test/login"},
        **https,
    )  # fmt: skip

    assert response.status_code == 302
    cookies = set_cookies(response)
    assert set(cookies) == {"__Host-kindred", "__Host-kindred_remember"}
    for cookie in cookies.values():
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert "domain" not in cookie  # __Host- cookies must not name a domain
    assert response.headers["Strict-Transport-Security"]
    # The signed-in session works over HTTPS with the prefixed cookie.
    settings = browser.get("/settings", **https)
    assert settings.status_code == 200
    assert world.member.pseudonym in settings.get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(app, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(
            {
                "FORUM_ENV": "production",
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "REDIS_URL": app.config["REDIS_URL"],
                "INSTANCE_PATH": str(tmp_path),
            }
        )
    assert not (tmp_path / "secret_key").exists()  # no quiet fallback to a generated key


def test_development_secret_key_is_generated_once_into_the_instance_folder_and_reused(
    build_app, monkeypatch, tmp_path
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = build_app(FORUM_ENV="development", INSTANCE_PATH=str(instance))
    second = build_app(FORUM_ENV="development", INSTANCE_PATH=str(instance))
    elsewhere = build_app(FORUM_ENV="development", INSTANCE_PATH=str(tmp_path / "elsewhere"))

    key_file = instance / "secret_key"
    key = first.config["SECRET_KEY"]
    assert len(key) >= 32
    assert key_file.read_text().strip() == key
    assert second.config["SECRET_KEY"] == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert elsewhere.config["SECRET_KEY"] != key
    # A session signed before a restart is still valid after it.
    with first.test_request_context():
        signed = first.session_interface.get_signing_serializer(first).dumps({"k": "v"})
    with second.test_request_context():
        assert second.session_interface.get_signing_serializer(second).loads(signed) == {"k": "v"}


# Templates: no inline script, no style attributes, no event-handler attributes.


def _inline_code(html: str) -> list[str]:
    found = parse(html)
    problems = [f"inline script: {text[:40]!r}" for text in found.script_text]
    for tag, attrs in found.elements:
        if tag == "style":
            problems.append("<style> element")
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            problems.append(f"script without a same-site src: {attrs}")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                problems.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def test_visitor_pages_have_no_inline_script_style_or_handlers(client, world):
    pages = ["/", "/login", "/signup", "/recover", "/guidelines", "/privacy", "/help", "/nope"]
    problems = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        problems[url] = _inline_code(response.get_data(as_text=True))
    assert problems == {url: [] for url in pages}


def test_member_pages_have_no_inline_script_style_or_handlers(client, world):
    login(client, world.member.pseudonym)
    reply = world.reply.id
    pages = [
        "/", f"/b/{world.board.slug}", f"/b/{world.board.slug}/new", f"/t/{world.thread.id}",
        f"/p/{reply}/edit", f"/p/{reply}/withdraw", f"/p/{reply}/revisions",
        f"/u/{world.member.pseudonym}", "/settings", "/guidelines", "/help", "/nope",
    ]  # fmt: skip
    problems = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        problems[url] = _inline_code(response.get_data(as_text=True))
    # Pages rendered after a form: errors shown, and the new recovery codes.
    form_error = post_form(client, f"/b/{world.board.slug}/new", {"title": "", "body": ""})
    problems["new thread with errors"] = _inline_code(form_error.get_data(as_text=True))
    codes = post_form(client, "/settings/recovery-codes", {"codes-password": PASSWORD}, "/settings")
    assert codes.status_code == 200
    problems["recovery codes"] = _inline_code(codes.get_data(as_text=True))
    assert problems == {name: [] for name in problems}


def test_template_sources_have_no_inline_script_style_or_handlers():
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.I
    )
    found = {
        str(path.relative_to(REPO_ROOT)): inline.findall(path.read_text())
        for path in sorted((REPO_ROOT / "templates").rglob("*.html"))
    }
    assert found and {name: hits for name, hits in found.items() if hits} == {}
