"""The search form (shape only). Searching changes nothing: a GET form, no CSRF token."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from forum.boards.models import Board


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Search for")
    board = SelectField("Board", choices=[], validate_choice=False)
    author = StringField("Posts by (optional)")

    def set_boards(self, boards: Iterable[Board]) -> None:
        """Offer every board, archived ones marked, after "All boards"."""
        choices = [SelectChoice("", "All boards")]
        for board in boards:
            label = f"{board.name} (archived)" if board.archived_at else board.name
            choices.append(SelectChoice(board.slug, label))
        self.board.choices = choices
