"""The large demo, for performance work: 20 boards, 20,000 members, 100,000 threads and
1,000,000 posts by default, written with bulk inserts in a few minutes.

Every row is one the product could have written: each post has its first revision and a
finished screening row (so the sweeper has nothing to rescan), anonymous posts and threads
carry the per-thread alias, owner tag and sealed author the product would write and no
author id (nor a follow or read mark that would tie them to their author), thread
numbering is dense, `thread.post_count`, `last_post_at` and members' `posts_written` match
the posts and the boards' counters are recomputed at the end.
A few posts carry flags and review items, most of them resolved. Everything derives from
one random seed, and one password hash (computed once) serves every member.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate

from sqlalchemy import bindparam

from forum.accounts.models import User
from forum.accounts.pseudonyms import _ADJECTIVES, _NOUNS
from forum.accounts.services import hash_password
from forum.boards.models import Board
from forum.boards.services import DEMO_BOARDS, create_board, get_board
from forum.db import utcnow
from forum.demo import texts
from forum.demo.bulk import insert_rows, next_id, reset_sequences
from forum.demo.extras import ExtraRows
from forum.extensions import db
from forum.moderation.models import Flag, ReviewItem, Screening
from forum.pages.models import SiteSetting
from forum.posts import services as posts
from forum.posts.anonymity import base_alias, member_reference
from forum.posts.authorship import owner_tag
from forum.posts.intent import INTENTS
from forum.posts.models import Post, PostRevision, Thread
from forum.posts.warnings import WARNINGS
from forum.security.keys import seal
from forum.security.sanitize import render_markdown

MARKER = "demo_large"
FULL_POSTS = 1_000_000
WINDOW = timedelta(days=730)
CHUNK_THREADS = 2_000
FLAG_RATE = 0.0005
LANES = (("crisis", "crisis", "crisis: hopeless language (demo)"),
         ("red", "harassment", "harassment: insult aimed at a member (demo)"),
         ("amber", "medication", "medication: dose talk (demo)"),
         ("green", "new_member", "new member: first post on Kindred (demo)"))  # fmt: skip

THREAD_COLUMNS = ("id", "board_id", "author_id", "title", "last_post_at", "post_count",
                  "is_pinned", "is_locked", "is_hidden", "is_anonymous", "anon_alias",
                  "reply_intent", "answered_at", "created_at", "owner_tag")  # fmt: skip
POST_COLUMNS = ("id", "thread_id", "author_id", "number", "body_source", "body_html",
                "revision", "withdrawn_at", "state", "hidden_reason", "is_anonymous",
                "anon_alias", "content_warning_keys", "created_at", "owner_tag",
                "sealed_author")  # fmt: skip
POST_CREATED_AT = POST_COLUMNS.index("created_at")
WARNING_KEYS = tuple(WARNINGS)
INTENT_KEYS = tuple(INTENTS)
REVISION_COLUMNS = ("id", "post_id", "number", "title", "body_source", "body_html", "created_at")
SCREENING_COLUMNS = ("revision_id", "post_id", "state", "attempts", "updated_at", "finished_at")
USER_COLUMNS = ("id", "pseudonym", "pseudonym_key", "password_hash", "is_admin",
                "guidelines_accepted_at", "password_changed_at", "created_at")  # fmt: skip


class LargeDemoExists(Exception):
    """The large demo content was added before."""


@dataclass(frozen=True)
class Plan:
    """How much the large demo writes; `posts` scales the rest (a tenth as many threads,
    a fiftieth as many members)."""

    posts: int = FULL_POSTS
    seed: int = 20_261_124

    @property
    def threads(self) -> int:
        return max(1, self.posts // 10)

    @property
    def members(self) -> int:
        return max(10, self.posts // 50)


def large_demo_exists() -> bool:
    """True once the large demo content was added."""
    return db.session.get(SiteSetting, MARKER) is not None


def ensure_boards() -> list[Board]:
    """The 7 demo boards and 13 more (20 in all), creating those that are missing."""
    wanted = [*DEMO_BOARDS, *({"slug": s, "name": n, "description": d}
                              for s, n, d in texts.EXTRA_BOARDS)]  # fmt: skip
    return [get_board(fields["slug"]) or create_board(**fields) for fields in wanted]


def seed_large(plan: Plan, boards: list[Board], now: datetime | None = None) -> Iterator[int]:
    """Write the large demo in chunks, yielding the number of posts of each chunk.

    The caller commits after each chunk (one transaction per chunk keeps SQLite's
    write-ahead log small) and once more at the end. Raises LargeDemoExists.
    """
    if large_demo_exists():
        raise LargeDemoExists
    writer = _Writer(plan, boards, now or utcnow())
    writer.write_members()
    yield 0
    yield from writer.write_threads()
    writer.finish()
    yield 0


class _Writer:
    def __init__(self, plan: Plan, boards: list[Board], now: datetime) -> None:
        self.plan, self.boards, self.now = plan, boards, now
        self.rng = random.Random(plan.seed)  # noqa: S311 - demo data, not secrets
        self.start = now - WINDOW
        self.bodies = [_body(self.rng) for _ in range(60)]
        self.titles = texts.TITLES
        self.user_id = next_id(User.__table__)
        self.thread_id = next_id(Thread.__table__)
        self.post_id = next_id(Post.__table__)
        self.revision_id = next_id(PostRevision.__table__)
        self.item_id = next_id(ReviewItem.__table__)
        self.flag_id = next_id(Flag.__table__)
        self.members = list(range(self.user_id, self.user_id + plan.members))
        self.extras = ExtraRows(self.rng, self.members, [board.id for board in boards])
        self.flagged = 0
        self.written: Counter[int] = Counter()  # member -> posts written, for posts_written

    def write_members(self) -> None:
        password_hash = hash_password(secrets.token_urlsafe(24))  # nobody logs in as them
        joined = self.start - timedelta(days=60)
        rows = []
        for n, user_id in enumerate(self.members):
            name = f"{_ADJECTIVES[n % 18]}{_NOUNS[(n // 18) % 18]}{n:05d}"
            moment = joined + timedelta(seconds=self.rng.randrange(60 * 86_400))
            rows.append((user_id, name, name.casefold(), password_hash, False, moment, moment,
                         moment))  # fmt: skip
        for start in range(0, len(rows), 10_000):
            insert_rows(User.__table__, USER_COLUMNS, rows[start : start + 10_000])
        self.extras.for_members(joined + timedelta(days=60))
        self.extras.insert()

    def write_threads(self) -> Iterator[int]:
        counts = self._post_counts()
        # One busy board holds about two thirds of the threads, so that its page 2,000 exists
        # (2,000 pages of 30) for the deep-page benchmark; the others share the rest.
        weights = list(accumulate(40 if i == 0 else 1 for i in range(len(self.boards))))
        for first in range(0, self.plan.threads, CHUNK_THREADS):
            chunk = _Chunk()
            for index in range(first, min(first + CHUNK_THREADS, self.plan.threads)):
                board = self.rng.choices(self.boards, cum_weights=weights)[0]
                self._thread(chunk, index, board, counts[index])
            chunk.insert()
            self.extras.insert()
            yield len(chunk.posts)

    def _post_counts(self) -> list[int]:
        """Every thread has a post; the rest go to threads with heavy-tailed weights."""
        threads = self.plan.threads
        weights = [min(200.0, self.rng.paretovariate(1.3)) for _ in range(threads)]
        counts = [1] * threads
        for index in self.rng.choices(range(threads), weights=weights, k=self.plan.posts - threads):
            counts[index] += 1
        return counts

    def _thread(self, chunk: _Chunk, index: int, board: Board, count: int) -> None:
        thread_id, rng = self.thread_id, self.rng
        self.thread_id += 1
        moment = self.start + WINDOW * (index / self.plan.threads)
        moment += timedelta(seconds=rng.randrange(3_600))
        # Replies three hours apart on average, closer in recent threads so none is dated
        # after now (and "posts per day" stays level up to today).
        gap = max(1.0, min(10_800.0, (self.now - moment).total_seconds() / (count + 1)))
        author, title = rng.choice(self.members), self.titles[index % len(self.titles)]
        opening_anonymous = _anonymous(board.anonymous_policy, rng.random() < 0.12)
        aliases: dict[int, str] = {}
        posters: dict[int, int] = {}  # member -> the number of their latest post here
        hidden_opening, answered_at = False, None
        for number in range(1, count + 1):
            writer = author if number == 1 or rng.random() < 0.3 else rng.choice(self.members)
            wants = opening_anonymous if writer == author else rng.random() < 0.1
            anonymous = _anonymous(board.anonymous_policy, wants)
            source, html = rng.choice(self.bodies)
            state, reason = self._maybe_flag(chunk, (board, thread_id, title), writer, moment,
                                             source, anonymous)  # fmt: skip
            hidden_opening = hidden_opening or (number == 1 and state != "visible")
            if (
                answered_at is None
                and number > 1
                and state == "visible"
                and (writer != author or anonymous != opening_anonymous)
            ):  # as forum.posts.unanswered.answers() decides
                answered_at = moment
            withdrawn = moment + timedelta(hours=1) if number > 1 and rng.random() < 0.003 else None
            warning = rng.choice(WARNING_KEYS) if rng.random() < 0.02 else None
            post_id, revision_id = self.post_id, self.revision_id
            chunk.posts.append((post_id, thread_id, None if anonymous else writer, number,
                                source, html, 1, withdrawn, state, reason, anonymous,
                                _alias(aliases, writer, thread_id) if anonymous else None,
                                warning, moment,
                                *_signature(writer, thread_id, anonymous)))  # fmt: skip
            self.written[writer] += 1
            chunk.revisions.append((revision_id, post_id, 1, title if number == 1 else None,
                                    source, html, moment))  # fmt: skip
            chunk.screenings.append((revision_id, post_id, "done", 1, moment, moment))
            visible = state == "visible" and withdrawn is None and not anonymous
            self.extras.for_post(post_id, board.id, writer, moment, visible)
            if not anonymous:  # an anonymous post's author neither follows nor marks read
                posters[writer] = number
            self.post_id, self.revision_id = post_id + 1, revision_id + 1
            last = moment
            moment = min(self.now, moment + timedelta(seconds=rng.expovariate(1 / gap)))
        self.extras.for_thread(thread_id, posters, last)
        intent = rng.choice(INTENT_KEYS) if rng.random() < 0.25 else None
        tag = owner_tag(author, thread_id) if opening_anonymous else None
        chunk.threads.append((thread_id, board.id, None if opening_anonymous else author, title,
                              last, count, False, False, hidden_opening, opening_anonymous,
                              aliases.get(author) if opening_anonymous else None, intent,
                              answered_at, chunk.posts[-count][POST_CREATED_AT], tag))  # fmt: skip

    def _maybe_flag(self, chunk: _Chunk, where: tuple[Board, int, str], writer: int,
                    moment: datetime, source: str,
                    anonymous: bool) -> tuple[str, str | None]:  # fmt: skip
        """Now and then, a flag and a review item: resolved (approved or hidden), or open
        for the few in the last two days. An anonymous post's item carries the member
        reference, not the author id."""
        if self.rng.random() >= FLAG_RATE:
            return "visible", None
        board, thread_id, title = where
        item_id, lane = self.item_id, self.rng.choice(LANES)
        self.item_id += 1
        self.flagged += 1
        still_open = moment > self.now - timedelta(days=2)
        hidden = not still_open and self.rng.random() < 0.2
        resolution = None if still_open else ("hidden" if hidden else "approved")
        chunk.items.append({
            "id": item_id, "post_id": self.post_id, "board_id": board.id, "thread_id": thread_id,
            "author_id": None if anonymous else writer,
            "member_ref": member_reference(writer) if anonymous else None, "lane": lane[0],
            "lane_rank": ("crisis", "red", "amber", "green").index(lane[0]),
            "state": "open" if still_open else "resolved",
            "needs_manual": False, "escalated": False, "snapshot_title": title,
            "snapshot_text": source, "created_at": moment, "updated_at": moment,
            "resolved_at": None if still_open else moment + timedelta(hours=1),
            "resolution": resolution, "version": 1,
        })  # fmt: skip
        chunk.flags.append({
            "id": self.flag_id, "review_item_id": item_id, "post_id": self.post_id,
            "revision_id": self.revision_id, "source": "screening", "category": lane[1],
            "lane": lane[0], "rule_key": f"demo.{lane[1]}", "reason": lane[2],
            "created_at": moment,
        })  # fmt: skip
        self.flag_id += 1
        if hidden:
            return "hidden", "hidden by a facilitator (demo)"
        return "visible", None

    def finish(self) -> None:
        """Counters, sequences and the marker that makes a second run refuse."""
        tables = [User.__table__, Thread.__table__, Post.__table__, PostRevision.__table__,
                  ReviewItem.__table__, Flag.__table__]  # fmt: skip
        reset_sequences(tables + self.extras.sequenced())
        self._count_posts_written()
        for board in self.boards:
            posts.recount_board(board.id)
        summary = {"posts": self.plan.posts, "threads": self.plan.threads,
                   "members": self.plan.members, "flagged": self.flagged}  # fmt: skip
        db.session.add(SiteSetting(key=MARKER, value=json.dumps(summary)))
        db.session.flush()

    def _count_posts_written(self) -> None:
        """Members' `posts_written`: every post they wrote, anonymous ones included."""
        update = (
            User.__table__.update()
            .where(User.__table__.c.id == bindparam("member"))
            .values(posts_written=bindparam("written"))
        )
        rows = [{"member": member, "written": n} for member, n in self.written.items()]
        for start in range(0, len(rows), 10_000):
            db.session.execute(update, rows[start : start + 10_000])


class _Chunk:
    """The rows of a few thousand threads, inserted parents first."""

    def __init__(self) -> None:
        self.threads: list[tuple] = []  # type: ignore[type-arg]
        self.posts: list[tuple] = []  # type: ignore[type-arg]
        self.revisions: list[tuple] = []  # type: ignore[type-arg]
        self.screenings: list[tuple] = []  # type: ignore[type-arg]
        self.items: list[dict] = []  # type: ignore[type-arg]
        self.flags: list[dict] = []  # type: ignore[type-arg]

    def insert(self) -> None:
        insert_rows(Thread.__table__, THREAD_COLUMNS, self.threads)
        insert_rows(Post.__table__, POST_COLUMNS, self.posts)
        insert_rows(PostRevision.__table__, REVISION_COLUMNS, self.revisions)
        insert_rows(Screening.__table__, SCREENING_COLUMNS, self.screenings)
        for table, rows in ((ReviewItem.__table__, self.items), (Flag.__table__, self.flags)):
            if rows:
                columns = tuple(rows[0])
                insert_rows(table, columns, [tuple(row.values()) for row in rows])


def _signature(writer: int, thread_id: int, anonymous: bool) -> tuple[str | None, str | None]:
    """An anonymous post's owner tag and sealed author, as `authorship.sign_post` writes."""
    if not anonymous:
        return None, None
    return owner_tag(writer, thread_id), seal(str(writer))


def _anonymous(policy: str, wanted: bool) -> bool:
    return policy == "forced" or (policy != "off" and wanted)


def _alias(aliases: dict[int, str], writer: int, thread_id: int) -> str:
    """The alias `forum.posts.anonymity.alias_for` would give, from the thread's aliases so far."""
    if writer not in aliases:
        base, suffix = base_alias(writer, thread_id), 2
        candidate, taken = base, set(aliases.values())
        while candidate in taken:
            candidate, suffix = f"{base} {suffix}", suffix + 1
        aliases[writer] = candidate
    return aliases[writer]


def _body(rng: random.Random) -> tuple[str, str]:
    source = "\n\n".join(rng.sample(texts.PARAGRAPHS, rng.randint(1, 3)))
    return source, render_markdown(source)
