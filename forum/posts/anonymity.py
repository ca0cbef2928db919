"""Anonymous posting: per-thread aliases, and the opaque member reference facilitators see.

An alias ("Anonymous Heron") is derived with a keyed hash from the server secret, the
member and the thread: stable for one member within one thread, different across threads,
and impossible to compute without the secret. It is stored on the post at write time, so
pages only ever read it and never need the author to show it.
"""

from __future__ import annotations

import base64

from sqlalchemy import select

from forum.extensions import db
from forum.posts.authorship import owner_tag
from forum.posts.models import Post
from forum.security.keys import keyed_digest

ANIMALS = (
    "Heron", "Otter", "Wren", "Badger", "Finch", "Fox", "Hare", "Owl", "Robin", "Seal",
    "Swan", "Lark", "Moth", "Crane", "Dove", "Elk", "Kestrel", "Lynx", "Marten", "Newt",
    "Osprey", "Puffin", "Quail", "Raven", "Sparrow", "Stoat", "Teal", "Vole", "Wolf", "Yak",
    "Bison", "Curlew", "Deer", "Egret", "Gannet", "Ibis", "Jay", "Koala", "Lemur", "Mole",
    "Panda", "Plover", "Rook", "Salmon", "Tern", "Thrush", "Turtle", "Walrus", "Whale", "Zebra",
)  # fmt: skip


def base_alias(user_id: int, thread_id: int) -> str:
    """The member's alias in this thread before collisions are resolved."""
    number = int.from_bytes(keyed_digest("alias", thread_id, user_id)[:8], "big")
    return f"Anonymous {ANIMALS[number % len(ANIMALS)]}"


def alias_for(user_id: int, thread_id: int) -> str:
    """The member's alias in the thread: reused if they posted anonymously there before,
    otherwise the keyed alias, numbered if another member already holds it in this thread.
    """
    tag = owner_tag(user_id, thread_id)
    rows = db.session.execute(
        select(Post.anon_alias, Post.owner_tag).where(
            Post.thread_id == thread_id, Post.is_anonymous.is_(True)
        )
    ).all()
    mine = next((alias for alias, owner in rows if owner == tag and alias), None)
    if mine:
        return mine
    taken = {alias for alias, owner in rows if owner != tag}
    alias, suffix = base_alias(user_id, thread_id), 2
    candidate = alias
    while candidate in taken:
        candidate, suffix = f"{alias} {suffix}", suffix + 1
    return candidate


def member_reference(user_id: int) -> str:
    """An opaque, stable reference to a member for facilitators (e.g. "M-7Q2KX4").

    Distinct from every alias and from the pseudonym; only the server can compute it.
    """
    code = base64.b32encode(keyed_digest("member-ref", user_id)[:5]).decode()
    return f"M-{code[:6]}"


def choose_anonymity(board_policy: str, requested: bool) -> bool:
    """Apply the board's policy to the member's choice: forced, off, or the member decides."""
    if board_policy == "forced":
        return True
    if board_policy == "off":
        return False
    return requested
