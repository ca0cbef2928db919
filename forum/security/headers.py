"""Response headers on every response, and refusal of requests that are not valid UTF-8."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, Response, current_app, request, session
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def init_security(app: Flask) -> None:
    """Install the UTF-8 check and the security headers on `app`."""
    app.before_request(_refuse_invalid_utf8)
    app.after_request(_security_headers)
    app.after_request(_drop_client_identifier)


def _refuse_invalid_utf8() -> None:
    """Answer 400 for query strings or form bodies that do not decode as UTF-8.

    Werkzeug would otherwise replace bad bytes with U+FFFD and carry on silently.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and limit and request.content_length > limit:
        raise RequestEntityTooLarge()
    _check_urlencoded(request.query_string)
    if request.mimetype == "application/x-www-form-urlencoded":
        _check_urlencoded(request.get_data(cache=True))
    elif request.mimetype == "multipart/form-data":
        # Kindred takes no uploads; multipart parsing would silently replace bad bytes.
        raise BadRequest("Kindred's forms are sent as URL-encoded text, not multipart.")


def _check_urlencoded(raw: bytes) -> None:
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("The request was not valid UTF-8.") from None


def _drop_client_identifier(response: Response) -> Response:
    """Keep Flask-Login's client-identifier slot out of the session cookie altogether."""
    if "_id" in session:
        session.pop("_id")
    return response


def _static_cache(response: Response) -> None:
    """Cache a static file for a year if its URL carries its current content hash."""
    from forum.templating import asset_version

    # Such a URL never changes (templating.asset_url); any other is revalidated, so an
    # unversioned or outdated URL can never keep serving a stale file.
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    fresh = response.status_code in (200, 304)
    if fresh and version and version == asset_version(filename):
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = 0
        response.cache_control.no_cache = True


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["X-Robots-Tag"] = "noindex, nofollow"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if request.endpoint != "static":
        # Pages may hold what a member wrote: never keep them in any cache, shared or not.
        headers["Cache-Control"] = "no-store"
    else:
        _static_cache(response)
    headers.pop("Server", None)
    return response
