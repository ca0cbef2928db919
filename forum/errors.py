"""Error pages for every HTTP error, in the site's layout; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right",
          "The page could not understand what was sent. Nothing was changed."),
    403: ("You can't do that here",
          "You don't have permission for this page or action."),
    404: ("We couldn't find that page",
          "It may have moved, or the link may be wrong."),
    405: ("That didn't work", "This page does not accept that kind of request."),
    413: ("That was too large",
          "What you sent is larger than Kindred accepts. Nothing was changed."),
    429: ("Please slow down a little",
          "There have been many attempts in a short time. Please wait a few minutes."),
    500: ("Something went wrong on our side",
          "It's not your fault. Please try again in a moment."),
}  # fmt: skip


def register_error_handlers(app: Flask) -> None:
    """Render templates/errors/error.html for HTTP errors and unexpected exceptions."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(code: int, detail: str | None = None):  # type: ignore[no-untyped-def]
    title, message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message, detail=detail
    ), code


def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
    return _render(
        400,
        "The form had expired or was sent from elsewhere. Please go back, "
        "reload the page and try again. What you typed may still be there.",
    )


def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    if error.code is None or error.code < 400:
        return error
    detail = error.description if error.code == 400 and _is_own(error) else None
    body, code = _render(error.code, detail)
    # Keep headers the error carries, such as Allow on 405 and Retry-After on 429.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return body, code, headers


def _is_own(error: HTTPException) -> bool:
    """True for descriptions Kindred wrote itself (not Werkzeug's defaults)."""
    return type(error).description != error.description


def _unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
    log.exception("unhandled error", exc_info=error)
    return _render(InternalServerError.code)
