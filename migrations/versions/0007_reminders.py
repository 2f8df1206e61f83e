"""reminders: settings, push subscriptions, what was sent, snoozes, the sender's lease

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 18:00:35

Web Push reminders (DESIGN.md "Reminders"): a patient's settings (no row: all off), one
subscription per device endpoint, reminder_sends keyed (patient, kind, local date) so a
reminder goes out once whichever sender runs, and the lease that lets one sender send.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sender_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=80), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sender_leases'))
    )
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1024), nullable=False),
    sa.Column('p256dh', sa.String(length=128), nullable=False),
    sa.Column('auth', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_push_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('reminder_sends',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('devices', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_sends_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'local_date', name=op.f('pk_reminder_sends'))
    )
    op.create_table('reminder_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('daily_enabled', sa.Boolean(), nullable=False),
    sa.Column('daily_time', sa.String(length=5), nullable=False),
    sa.Column('after_session', sa.Boolean(), nullable=False),
    sa.Column('questionnaires', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_settings'))
    )
    op.create_table('reminder_snoozes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('remind_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_snoozes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_snoozes'))
    )
    with op.batch_alter_table('reminder_snoozes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_snoozes_remind_at'), ['remind_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_snoozes_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reminder_snoozes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_snoozes_user_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_snoozes_remind_at'))

    op.drop_table('reminder_snoozes')
    op.drop_table('reminder_settings')
    op.drop_table('reminder_sends')
    with op.batch_alter_table('push_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_subscriptions_user_id'))

    op.drop_table('push_subscriptions')
    op.drop_table('sender_leases')
