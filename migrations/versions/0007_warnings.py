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

# The warning list as it is today (forum.posts.warnings.WARNINGS), frozen here so that
# this migration keeps meaning the same thing when the list changes.
_WARNINGS = {
    'self-harm': 'self-harm',
    'suicide': 'suicide',
    'abuse': 'abuse',
    'eating': 'eating',
    'substance-use': 'substance use',
    'loss': 'loss',
}
_post = sa.table(
    'post',
    sa.column('id', sa.Integer()),
    sa.column('content_warning', sa.String()),
    sa.column('content_warning_keys', sa.String()),
)


def _key_for(text):
    """The key whose key or label is exactly this free text (any case, any spacing)."""
    wanted = ' '.join(text.casefold().split())
    for key, label in _WARNINGS.items():
        if wanted in (key, label):
            return key
    return None


def upgrade():
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_warning_keys', sa.String(length=80), nullable=True))

    # Facilitators typed warnings as free text until now: one that names a theme on the list
    # becomes that theme (so members who mute it are spared); any other text stays as it is.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_post.c.id, _post.c.content_warning).where(_post.c.content_warning.isnot(None))
    ).all()
    for post_id, text in rows:
        key = _key_for(text)
        if key is not None:
            bind.execute(
                _post.update().where(_post.c.id == post_id)
                .values(content_warning_keys=key, content_warning=None)
            )

    op.create_table('mute_list',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('themes', sa.String(length=80), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mute_list_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mute_list'))
    )
    op.create_table('library_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_library_entry_board_id_board'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['user.id'], name=op.f('fk_library_entry_nominated_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_library_entry_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entry')),
    sa.UniqueConstraint('post_id', name=op.f('uq_library_entry_post_id'))
    )
    with op.batch_alter_table('library_entry', schema=None) as batch_op:
        batch_op.create_index('ix_library_entry_board_state', ['board_id', 'state', 'decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_entry_nominated_by_id'), ['nominated_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('library_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_entry_nominated_by_id'))
        batch_op.drop_index('ix_library_entry_board_state')

    op.drop_table('library_entry')
    op.drop_table('mute_list')

    # Back to one line of free text: the themes' labels, then the post's own words.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_post.c.id, _post.c.content_warning_keys, _post.c.content_warning)
        .where(_post.c.content_warning_keys.isnot(None))
    ).all()
    for post_id, keys, text in rows:
        shown = [_WARNINGS[key] for key in keys.split(',') if key in _WARNINGS]
        joined = ', '.join(shown + ([text] if text else []))[:120] or None
        bind.execute(_post.update().where(_post.c.id == post_id).values(content_warning=joined))

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('content_warning_keys')
