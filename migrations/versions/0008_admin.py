"""admin command-line support

Revision ID: 0008_admin
Revises: 0007_warnings
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_admin'
down_revision = '0007_warnings'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
