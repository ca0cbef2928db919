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

# A reply answers a thread when it shows under another name than the opening post: by
# another member, by a former member, or by the author under their other identity (an
# anonymous reply in their named thread, or a named reply in their anonymous thread).
_FIRST_ANSWER = """
    SELECT MIN(post.created_at) FROM post
    WHERE post.thread_id = thread.id AND post.number > 1 AND post.state = 'visible'
      AND (post.author_id IS NULL OR thread.author_id IS NULL
           OR post.author_id != thread.author_id OR post.is_anonymous != thread.is_anonymous)
"""


def upgrade():
    op.create_table('reaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_reaction_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reaction_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reaction')),
    sa.UniqueConstraint('post_id', 'user_id', 'kind', name=op.f('uq_reaction_post_id_user_id_kind'))
    )
    with op.batch_alter_table('reaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reaction_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_intent', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))

    op.execute(f"UPDATE thread SET answered_at = ({_FIRST_ANSWER})")
    unanswered = sa.text('answered_at IS NULL')
    op.create_index('ix_thread_unanswered', 'thread', ['created_at', 'id'], unique=False,
                    postgresql_where=unanswered, sqlite_where=unanswered)


def downgrade():
    op.drop_index('ix_thread_unanswered', table_name='thread')
    with op.batch_alter_table('thread', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
        batch_op.drop_column('reply_intent')

    with op.batch_alter_table('reaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reaction_user_id'))

    op.drop_table('reaction')
