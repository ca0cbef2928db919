"""Every model, imported in one place so Alembic and the app see the whole schema."""

from forum.accounts.models import LoginSession, RecoveryCode, User
from forum.boards.models import Board, BoardFacilitator
from forum.library.models import LibraryEntry
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
from forum.notifications.models import (
    BoardFollow,
    Notification,
    NotificationPreference,
    ThreadFollow,
    ThreadRead,
)
from forum.pages.models import SitePage, SiteSetting
from forum.posts.models import Post, PostRevision, Thread
from forum.preferences.models import MuteList
from forum.reactions.models import Reaction

__all__ = [
    "ActionLog",
    "BulkAction",
    "Flag",
    "LibraryEntry",
    "MuteList",
    "BoardFollow",
    "Notification",
    "NotificationPreference",
    "ThreadFollow",
    "ThreadRead",
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
    "Reaction",
    "SitePage",
    "Thread",
    "User",
]
