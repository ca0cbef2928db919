"""content warnings, muted words, coping library

Revision ID: 0007_warnings
Revises: 0006_search
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_warnings'
down_revision = '0006_search'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
