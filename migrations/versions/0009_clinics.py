"""clinics: clinics, their providers, patients' connections and the providers' access log

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 19:30:00

DESIGN.md "Clinics": users gain a role ("patient" or "provider"); a provider belongs to one
clinic (clinic_members); a patient's connection to a clinic is kept after it ends
(ended_at) for the access log, with at most one open connection per patient and clinic.
Provider invitations reuse password_resets (a one-time link that sets the password).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), server_default='patient',
                                      nullable=False))

    op.create_table('clinics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinics')),
    sa.UniqueConstraint('code', name=op.f('uq_clinics_code'))
    )
    op.create_table('clinic_members',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_clinic_members_clinic_id_clinics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_clinic_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_clinic_members'))
    )
    with op.batch_alter_table('clinic_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_members_clinic_id'), ['clinic_id'], unique=False)

    op.create_table('clinic_connections',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('include_notes', sa.Boolean(), nullable=False),
    sa.Column('connected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_clinic_connections_clinic_id_clinics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_clinic_connections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_connections'))
    )
    with op.batch_alter_table('clinic_connections', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_connections_clinic_id', ['clinic_id'], unique=False)
        batch_op.create_index('uq_clinic_connections_open', ['user_id', 'clinic_id'], unique=True,
                              sqlite_where=sa.text('ended_at IS NULL'),
                              postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('clinic_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('provider_name', sa.String(length=80), nullable=False),
    sa.Column('login_session_id', sa.Integer(), nullable=True),
    sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['clinic_connections.id'], name=op.f('fk_clinic_views_connection_id_clinic_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['login_session_id'], ['login_sessions.id'], name=op.f('fk_clinic_views_login_session_id_login_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['users.id'], name=op.f('fk_clinic_views_provider_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_clinic_views_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_views')),
    sa.UniqueConstraint('connection_id', 'login_session_id', name=op.f('uq_clinic_views_connection_id'))
    )
    with op.batch_alter_table('clinic_views', schema=None) as batch_op:
        batch_op.create_index('ix_clinic_views_connection_viewed', ['connection_id', 'viewed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_views_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_views_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('clinic_views')
    op.drop_table('clinic_connections')
    op.drop_table('clinic_members')
    op.drop_table('clinics')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('role')
