"""The search page: a GET form and one page of results."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from forum.search import services
from forum.search.forms import SearchForm

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def index():
    boards = services.searchable_boards()
    form = SearchForm(formdata=request.args)
    form.set_boards(boards)
    results, error = None, None
    if "q" in request.args:
        board = next((b for b in boards if b.slug == form.board.data), None)
        try:
            results = services.search(
                current_user, form.q.data or "", board=board,
                author=form.author.data or "", page=_page_number(),
            )  # fmt: skip
        except services.SearchInvalid as invalid:
            error = str(invalid)
    page = render_template("search/index.html", form=form, results=results, error=error)
    return page, 400 if error else 200


def _page_number() -> int:
    try:
        return int(request.args.get("page", 1))
    except ValueError:
        abort(400, "That page link is not valid.")
