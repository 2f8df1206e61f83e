"""treatment ids per patient; failed logins counted by rate limits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 14:40:00

A treatment session's key becomes (user_id, id): the UUID is the phone's, so another
patient may use the same one and nothing reveals that anyone has it. Failed logins are
now counted per account and address in the rate-limit store, so the per-account counter
columns go.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.drop_constraint('pk_treatments', type_='primary')
        batch_op.create_primary_key('pk_treatments', ['user_id', 'id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_failed_login_at')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('last_failed_login_at', sa.DateTime(timezone=True),
                                      nullable=True))
    # Only possible while no two patients share a session UUID.
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.drop_constraint('pk_treatments', type_='primary')
        batch_op.create_primary_key('pk_treatments', ['id'])
