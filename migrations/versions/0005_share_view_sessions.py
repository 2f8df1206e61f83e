"""one access-log line per viewing session

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 15:00:00

Each provider viewing session (one exchange of a link's token) gets one line in
share_views, which its later reads update (what it opened, when last) instead of adding
lines. Lines written before this revision were one per request; each becomes a line that
opened that one thing.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('share_views', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('last_viewed_at', sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE share_views SET opened = kind, last_viewed_at = viewed_at")
    with op.batch_alter_table('share_views', schema=None) as batch_op:
        batch_op.alter_column('opened', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('last_viewed_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)

    with op.batch_alter_table('share_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('view_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_share_sessions_view_id_share_views'),
                                    'share_views', ['view_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('share_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_share_sessions_view_id_share_views'),
                                 type_='foreignkey')
        batch_op.drop_column('view_id')

    with op.batch_alter_table('share_views', schema=None) as batch_op:
        batch_op.drop_column('last_viewed_at')
        batch_op.drop_column('opened')
