"""follows, notification preferences, unread tracking

Revision ID: 0005_follows
Revises: 0004_reactions
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_follows'
down_revision = '0004_reactions'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
