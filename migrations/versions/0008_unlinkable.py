"""anonymous posts keep no author id: owner tags, sealed authors, sealed notices

Revision ID: 0008_unlinkable
Revises: 0007_warnings
Create Date: 2026-11-24

Existing anonymous posts and threads lose their author id for an owner tag (and, for
posts, the author id sealed under the server secret); review items of anonymous posts
keep the member reference instead of the author id; the authors' notices about their
anonymous posts are sealed; follows that tied an author to their anonymous thread go.
Action-log rows already written are left as they are: rewriting them would break the
hash chain that makes tampering detectable.

The derivations below are frozen copies of forum.posts.authorship, forum.posts.anonymity
and forum.security.keys as they are today, so this migration keeps its meaning.
"""
import base64
import hashlib
import hmac
import re

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0008_unlinkable'
down_revision = '0007_warnings'
branch_labels = None
depends_on = None

_user = sa.table('user', sa.column('id', sa.Integer()), sa.column('posts_written', sa.Integer()))
_thread = sa.table(
    'thread', sa.column('id', sa.Integer()), sa.column('author_id', sa.Integer()),
    sa.column('is_anonymous', sa.Boolean()), sa.column('owner_tag', sa.String()),
)
_post = sa.table(
    'post', sa.column('id', sa.Integer()), sa.column('thread_id', sa.Integer()),
    sa.column('number', sa.Integer()), sa.column('author_id', sa.Integer()),
    sa.column('is_anonymous', sa.Boolean()), sa.column('owner_tag', sa.String()),
    sa.column('sealed_author', sa.String()),
)
_item = sa.table(
    'review_item', sa.column('id', sa.Integer()), sa.column('post_id', sa.Integer()),
    sa.column('author_id', sa.Integer()), sa.column('member_ref', sa.String()),
)
_note = sa.table(
    'notification', sa.column('id', sa.Integer()), sa.column('user_id', sa.Integer()),
    sa.column('kind', sa.String()), sa.column('text', sa.Text()), sa.column('link', sa.String()),
    sa.column('post_id', sa.Integer()), sa.column('sealed', sa.Boolean()),
    sa.column('seal_key', sa.String()),
)
_follow = sa.table('thread_follow', sa.column('user_id', sa.Integer()),
                   sa.column('thread_id', sa.Integer()))
_log = sa.table('action_log', sa.column('id', sa.Integer()), sa.column('action', sa.String()),
                sa.column('post_id', sa.Integer()), sa.column('subject_user_id', sa.Integer()))
_sanction = sa.table('sanction', sa.column('id', sa.Integer()),
                     sa.column('review_item_id', sa.Integer()))


def _secret():
    return current_app.config['SECRET_KEY'].encode()


def _digest(purpose, *parts):
    message = ':'.join([purpose, *map(str, parts)]).encode()
    return hmac.new(_secret(), message, hashlib.sha256).digest()


def _fernet():
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b'kindred sealed values').derive(_secret())
    return Fernet(base64.urlsafe_b64encode(derived))


def _tag(user_id, thread_id):
    return _digest('owner', user_id, thread_id).hex()[:32]


def _member_ref(user_id):
    return 'M-' + base64.b32encode(_digest('member-ref', user_id)[:5]).decode()[:6]


def upgrade():
    op.add_column('user', sa.Column('posts_written', sa.Integer(), nullable=False,
                                    server_default='0'))
    op.add_column('thread', sa.Column('owner_tag', sa.String(length=32), nullable=True))
    op.add_column('post', sa.Column('owner_tag', sa.String(length=32), nullable=True))
    op.add_column('post', sa.Column('sealed_author', sa.String(length=200), nullable=True))
    op.add_column('review_item', sa.Column('member_ref', sa.String(length=12), nullable=True))
    op.create_index('ix_review_item_member_ref', 'review_item', ['member_ref'])
    op.add_column('notification', sa.Column('sealed', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.add_column('notification', sa.Column('seal_key', sa.String(length=32), nullable=True))
    op.create_index('ix_notification_seal_key', 'notification', ['user_id', 'seal_key'])
    _move_existing_data(op.get_bind())


def _move_existing_data(bind):
    counts = bind.execute(
        sa.select(_post.c.author_id, sa.func.count()).where(_post.c.author_id.is_not(None))
        .group_by(_post.c.author_id)
    ).all()
    for user_id, count in counts:
        bind.execute(_user.update().where(_user.c.id == user_id).values(posts_written=count))
    anonymous = bind.execute(
        sa.select(_post.c.id, _post.c.thread_id, _post.c.author_id)
        .where(_post.c.is_anonymous.is_(True), _post.c.author_id.is_not(None))
    ).all()
    if not anonymous:
        return
    fernet = _fernet()
    author_of = {}
    for post_id, thread_id, user_id in anonymous:
        author_of[post_id] = user_id
        bind.execute(_post.update().where(_post.c.id == post_id).values(
            author_id=None, owner_tag=_tag(user_id, thread_id),
            sealed_author=fernet.encrypt(str(user_id).encode()).decode()))
    threads = bind.execute(
        sa.select(_thread.c.id, _thread.c.author_id)
        .where(_thread.c.is_anonymous.is_(True), _thread.c.author_id.is_not(None))
    ).all()
    for thread_id, user_id in threads:
        bind.execute(_thread.update().where(_thread.c.id == thread_id).values(
            author_id=None, owner_tag=_tag(user_id, thread_id)))
        bind.execute(_follow.delete().where(_follow.c.thread_id == thread_id,
                                            _follow.c.user_id == user_id))
    for post_id, thread_id, user_id in anonymous:
        bind.execute(_follow.delete().where(_follow.c.thread_id == thread_id,
                                            _follow.c.user_id == user_id))
    items = bind.execute(
        sa.select(_item.c.id, _item.c.post_id).where(_item.c.post_id.in_(list(author_of)))
    ).all()
    for item_id, post_id in items:
        bind.execute(_item.update().where(_item.c.id == item_id).values(
            author_id=None, member_ref=_member_ref(author_of[post_id])))
        bind.execute(_sanction.update().where(_sanction.c.review_item_id == item_id)
                     .values(review_item_id=None))
    _seal_notices(bind, fernet, anonymous)
    bind.execute(_log.update().where(
        _log.c.post_id.in_(list(author_of)), _log.c.action != 'reidentify'
    ).values(subject_user_id=None))


def _seal_notices(bind, fernet, anonymous):
    """Seal every notice to a member about a post in a thread where they wrote anonymously
    (about their own post, or a reply that reached them as the thread's author)."""
    wrote_in = {(thread_id, user_id) for _, thread_id, user_id in anonymous}
    thread_of = dict(bind.execute(sa.select(_post.c.id, _post.c.thread_id)).all())
    notes = bind.execute(sa.select(_note.c.id, _note.c.user_id, _note.c.kind, _note.c.text,
                                   _note.c.link, _note.c.post_id)).all()
    for note_id, user_id, kind, text, link, post_id in notes:
        linked = re.fullmatch(r'/p/(\d+)', link or '')
        about = post_id or (int(linked.group(1)) if linked else None)
        if (thread_of.get(about), user_id) not in wrote_in:
            continue
        key = _digest('notice', user_id, about, kind).hex()[:32]
        bind.execute(_note.update().where(_note.c.id == note_id).values(
            text=fernet.encrypt(text.encode()).decode(),
            link=fernet.encrypt((link or '').encode()).decode(),
            post_id=None, sealed=True, seal_key=key))


def downgrade():
    bind = op.get_bind()
    fernet = _fernet()
    sealed = bind.execute(sa.select(_post.c.id, _post.c.sealed_author)
                          .where(_post.c.sealed_author.is_not(None))).all()
    for post_id, token in sealed:
        user_id = int(fernet.decrypt(token.encode()).decode())
        bind.execute(_post.update().where(_post.c.id == post_id).values(author_id=user_id))
        bind.execute(_item.update().where(_item.c.post_id == post_id).values(author_id=user_id))
    openers = bind.execute(
        sa.select(_thread.c.id, _post.c.author_id)
        .join(_post, sa.and_(_post.c.thread_id == _thread.c.id, _post.c.number == 1))
        .where(_thread.c.owner_tag.is_not(None))
    ).all()
    for thread_id, user_id in openers:
        bind.execute(_thread.update().where(_thread.c.id == thread_id).values(author_id=user_id))
    notes = bind.execute(sa.select(_note.c.id, _note.c.text, _note.c.link)
                         .where(_note.c.sealed.is_(True))).all()
    for note_id, text, link in notes:
        bind.execute(_note.update().where(_note.c.id == note_id).values(
            text=fernet.decrypt(text.encode()).decode(),
            link=fernet.decrypt(link.encode()).decode()[:200]))
    op.drop_index('ix_notification_seal_key', table_name='notification')
    op.drop_index('ix_review_item_member_ref', table_name='review_item')
    for table, column in [('notification', 'seal_key'), ('notification', 'sealed'),
                          ('review_item', 'member_ref'), ('post', 'sealed_author'),
                          ('post', 'owner_tag'), ('thread', 'owner_tag'),
                          ('user', 'posts_written')]:
        _drop_column(bind, table, column)


def _drop_column(bind, table, column):
    """Drop in place. SQLite's own DROP COLUMN (3.35+), not a batch copy: copying a parent
    table (thread, user) would cascade-delete its children, and copying post would drop
    its full-text triggers."""
    if bind.dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN {column}')
    else:
        op.drop_column(table, column)
