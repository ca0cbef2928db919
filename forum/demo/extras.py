"""The large demo's rows for the features around posts: reactions, thread and board follows,
read marks and "What helped" library entries. A table that does not exist is skipped."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table

from forum.demo.bulk import insert_rows, next_id
from forum.extensions import db

REACTION_KINDS = ("hear", "metoo", "strength", "helped")
LIBRARY_EVERY = 2_000  # about one visible named post in this many is in a board's library


class ExtraRows:
    """Collects the extra rows of one chunk of threads; `insert` writes and forgets them."""

    def __init__(self, rng: random.Random, members: list[int], board_ids: list[int]) -> None:
        self.rng, self.members, self.board_ids = rng, members, board_ids
        names = ("reaction", "thread_follow", "thread_read", "board_follow", "library_entry")
        self.tables = {name: db.metadata.tables.get(name) for name in names}
        self.ids = {name: next_id(table) for name, table in self.tables.items()
                    if table is not None and "id" in table.c}  # fmt: skip
        self.rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.tables}

    def for_members(self, since: datetime) -> None:
        """Most members follow a board or two."""
        for member in self.members:
            for board_id in self.rng.sample(self.board_ids, self.rng.choice((0, 1, 1, 2))):
                self.rows["board_follow"].append((member, board_id, since))

    def for_post(
        self, post_id: int, board_id: int, author: int, moment: datetime, listed: bool
    ) -> None:
        """Reactions from other members; now and then a place in the board's library."""
        if self.rng.random() < 0.3:
            given = {(self.rng.choice(self.members), self.rng.choice(REACTION_KINDS))
                     for _ in range(self.rng.randint(1, 3))}  # fmt: skip
            for member, kind in given - {(author, k) for k in REACTION_KINDS}:
                when = moment + timedelta(minutes=self.rng.randint(1, 600))
                self.rows["reaction"].append((self._id("reaction"), post_id, member, kind, when))
        if listed and self.rng.random() < 1 / LIBRARY_EVERY:
            decided = moment + timedelta(days=2)
            self.rows["library_entry"].append(
                (self._id("library_entry"), board_id, post_id, None, "accepted", decided, moment)
            )

    def for_thread(self, thread_id: int, posters: dict[int, int], last: datetime) -> None:
        """Everyone who posted follows the thread and has read up to their latest post."""
        for member, number in posters.items():
            self.rows["thread_follow"].append((member, thread_id, last))
            self.rows["thread_read"].append((member, thread_id, number))

    def insert(self) -> None:
        """Write what was collected since the last call."""
        for name, rows in self.rows.items():
            table = self.tables[name]
            if table is not None and rows:
                insert_rows(table, COLUMNS[name], rows)
            rows.clear()

    def sequenced(self) -> list[Table]:
        """The tables written with explicit ids (their sequences need moving on)."""
        return [self.tables[name] for name in self.ids]  # type: ignore[misc]

    def _id(self, name: str) -> int:
        value = self.ids.get(name, 0)
        self.ids[name] = value + 1
        return value


COLUMNS = {
    "reaction": ("id", "post_id", "user_id", "kind", "created_at"),
    "thread_follow": ("user_id", "thread_id", "created_at"),
    "thread_read": ("user_id", "thread_id", "last_read_number"),
    "board_follow": ("user_id", "board_id", "created_at"),
    "library_entry": ("id", "board_id", "post_id", "nominated_by_id", "state", "decided_at",
                      "created_at"),
}  # fmt: skip
