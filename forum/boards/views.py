"""Board pages: the home page's board list and each board's thread list."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import login_required

from forum.boards import services
from forum.posts.listing import list_threads

bp = Blueprint("boards", __name__)


@bp.get("/")
def home():
    return render_template("boards/home.html", boards=services.list_boards())


@bp.get("/b/<slug>")
@login_required
def board(slug: str):
    board = services.get_board(slug) or abort(404)
    try:
        listing = list_threads(
            board,
            current_app.config["FORUM_THREADS_PER_PAGE"],
            older=request.args.get("older"),
            newer=request.args.get("newer"),
        )
    except ValueError:
        abort(400, "That page link is not valid.")
    return render_template("boards/board.html", board=board, listing=listing)
