"""Board pages: the home page's board list, each board's thread list, unanswered threads."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required

from forum.boards import services
from forum.posts.intent import INTENTS
from forum.posts.listing import list_threads
from forum.posts.unanswered import unanswered_threads, waited

bp = Blueprint("boards", __name__)


HOME_UNANSWERED = 5  # the oldest unanswered threads shown on the home page


@bp.get("/")
def home():
    unanswered = []
    if current_user.is_authenticated:
        unanswered = unanswered_threads(HOME_UNANSWERED).threads
    return render_template(
        "boards/home.html", boards=services.list_boards(), unanswered=unanswered,
        covered=services.facilitated_board_ids(current_user) if unanswered else set(),
        waited=waited, intents=INTENTS,
    )  # fmt: skip


@bp.get("/unanswered")
@login_required
def unanswered():
    try:
        page = unanswered_threads(
            current_app.config["FORUM_THREADS_PER_PAGE"], after=request.args.get("after")
        )
    except ValueError:
        abort(400, "That page link is not valid.")
    covered = services.facilitated_board_ids(current_user)
    return render_template(
        "boards/unanswered.html", page=page, covered=covered, waited=waited, intents=INTENTS
    )


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
