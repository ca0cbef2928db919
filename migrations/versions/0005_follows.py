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
    op.create_table('thread_follow',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_thread_follow_thread_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_thread_follow_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_follow'))
    )
    with op.batch_alter_table('thread_follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_follow_thread_id'), ['thread_id'], unique=False)

    op.create_table('board_follow',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_board_follow_board_id_board'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_board_follow_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'board_id', name=op.f('pk_board_follow'))
    )
    with op.batch_alter_table('board_follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_follow_board_id'), ['board_id'], unique=False)

    op.create_table('thread_read',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_read_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['thread.id'], name=op.f('fk_thread_read_thread_id_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_thread_read_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_read'))
    )
    with op.batch_alter_table('thread_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_read_thread_id'), ['thread_id'], unique=False)

    op.create_table('notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Boolean(), nullable=False),
    sa.Column('new_threads', sa.Boolean(), nullable=False),
    sa.Column('mentions', sa.Boolean(), nullable=False),
    sa.Column('reactions', sa.Boolean(), nullable=False),
    sa.Column('auto_follow', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preference'))
    )

    # A notification about a post goes with the post (CASCADE): nothing is left that
    # points at a deleted post or names a deleted member's words.
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notification_post_id_post'), 'post', ['post_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_notification_post_id_user_id_kind'), ['post_id', 'user_id', 'kind'])


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_notification_post_id_user_id_kind'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_notification_post_id_post'), type_='foreignkey')
        batch_op.drop_column('post_id')

    op.drop_table('notification_preference')
    with op.batch_alter_table('thread_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_read_thread_id'))

    op.drop_table('thread_read')
    with op.batch_alter_table('board_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_follow_board_id'))

    op.drop_table('board_follow')
    with op.batch_alter_table('thread_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_follow_thread_id'))

    op.drop_table('thread_follow')
