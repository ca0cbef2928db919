"""Every model, imported in one place so Alembic and the app see the whole schema."""

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.boards.models import Board, BoardFacilitator
from forum.moderation.models import (
    ActionLog,
    BulkAction,
    Flag,
    Reidentification,
    ReviewItem,
    RuleOverride,
    Sanction,
    Screening,
)
from forum.notifications.models import Notification
from forum.pages.models import SitePage, SiteSetting
from forum.posts.models import Post, PostRevision, Thread

__all__ = [
    "ActionLog",
    "BulkAction",
    "Flag",
    "Notification",
    "Reidentification",
    "ReviewItem",
    "RuleOverride",
    "Sanction",
    "Screening",
    "SiteSetting",
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
