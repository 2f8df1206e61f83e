"""push hardening: a device's run of failed pushes; at most 10 devices per patient

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:00:00

push_subscriptions.failing_since and .failures: the sender deletes a device whose pushes
keep failing (api/reminders/sender.py). A patient keeps at most 10 devices (the newest
subscribed; api/reminders/models.py DEVICES_PER_ACCOUNT): older ones are deleted here.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

DEVICES_PER_ACCOUNT = 10  # as api/reminders/models.py had it when this ran


def upgrade():
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failing_since', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('failures', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute(sa.text(
        "DELETE FROM push_subscriptions WHERE id IN ("
        " SELECT id FROM (SELECT id, ROW_NUMBER() OVER ("
        "  PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS newest"
        "  FROM push_subscriptions) AS ranked"
        " WHERE newest > :kept)").bindparams(kept=DEVICES_PER_ACCOUNT))


def downgrade():
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_column('failures')
        batch_op.drop_column('failing_since')
