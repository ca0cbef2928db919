"""Public pages: guidelines, privacy and crisis resources."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum.pages.services import get_page

bp = Blueprint("pages", __name__)


@bp.get("/guidelines")
def guidelines():
    return render_template("pages/page.html", page=get_page("guidelines"))


@bp.get("/privacy")
def privacy():
    return render_template("pages/page.html", page=get_page("privacy"))


@bp.get("/help")
def crisis():
    return render_template("pages/page.html", page=get_page("crisis"), crisis=True)
