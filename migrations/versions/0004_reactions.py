"""empathy reactions, reply intent

Revision ID: 0004_reactions
Revises: 0003_anonymity
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_reactions'
down_revision = '0003_anonymity'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
