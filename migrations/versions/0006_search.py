"""full-text search

Revision ID: 0006_search
Revises: 0005_follows
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_search'
down_revision = '0005_follows'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
