"""Every model, imported in one place so Alembic and the app see the whole schema."""

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.boards.models import Board, BoardFacilitator
from forum.pages.models import SitePage
from forum.posts.models import Post, PostRevision, Thread

__all__ = [
    "Board",
    "BoardFacilitator",
    "LoginSession",
    "Post",
    "PostRevision",
    "RecoveryCode",
    "SitePage",
    "Thread",
    "User",
]
