"""kept analysis: each patient's session analysis, kept current as their data changes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 19:45:00

One row per patient (api/summaries): data_version (bumped by every write that changes
what the analysis reads), the analysis kept at analysed_version on analysed_for, and the
columns the clinic panel reads; and one row per treatment series in kept_series. No rows are made here: a missing row is simply stale,
and the first write or read makes it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'  # CHAIN: chained after 0009 in the clinics-api merge
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kept_analyses',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('analysed_version', sa.Integer(), nullable=True),
    sa.Column('analysed_for', sa.Date(), nullable=True),
    sa.Column('data_through', sa.Date(), nullable=True),
    sa.Column('last_session_on', sa.Date(), nullable=True),
    sa.Column('last_session_route', sa.String(length=20), nullable=True),
    sa.Column('pain_baseline', sa.Float(), nullable=True),
    sa.Column('mood_baseline', sa.Float(), nullable=True),
    sa.Column('phq9_baseline', sa.Float(), nullable=True),
    sa.Column('peg_baseline', sa.Float(), nullable=True),
    sa.Column('relief_metric', sa.String(length=8), nullable=True),
    sa.Column('relief_median', sa.Float(), nullable=True),
    sa.Column('last_logged_on', sa.Date(), nullable=True),
    sa.Column('phq9_total', sa.Float(), nullable=True),
    sa.Column('phq9_on', sa.Date(), nullable=True),
    sa.Column('peg_score', sa.Float(), nullable=True),
    sa.Column('peg_on', sa.Date(), nullable=True),
    sa.Column('safety_flag_on', sa.Date(), nullable=True),
    sa.Column('bp_flag_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_analyses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_kept_analyses'))
    )
    op.create_table('kept_series',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('next_start', sa.Date(), nullable=True),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_series_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'position', name=op.f('pk_kept_series'))
    )


def downgrade():
    op.drop_table('kept_series')
    op.drop_table('kept_analyses')
