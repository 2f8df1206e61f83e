"""clinic invites: an invitation never takes over an account

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:15:00

Issue 20, item 5: a provider invited to a clinic is a pending invitation (clinic_invites)
until they accept it: by choosing a password through the setup link when the email had no
account, or by logging in with their own password when it had one. The invitation never
changes an existing account's password or enabled state; the token is stored hashed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('clinic_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_clinic_invites_clinic_id_clinics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_clinic_invites_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_clinic_invites_token_hash'))
    )
    with op.batch_alter_table('clinic_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_invites_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_invites_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('clinic_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinic_invites_user_id'))
        batch_op.drop_index(batch_op.f('ix_clinic_invites_clinic_id'))
    op.drop_table('clinic_invites')
