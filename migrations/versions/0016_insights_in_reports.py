"""insights in reports: the "include insights" tick and the kept insights

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 08:30:00

Issue 25. Shares and clinic connections gain `include_insights` (off: existing reports
stay as they were). `kept_insights` keeps GET /insights' body per patient and window
while their data does not change (api/summaries/kept_insights.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('shares', 'clinic_connections'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('include_insights', sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('include_insights', server_default=None)
    op.create_table(
        'kept_insights',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('analysed_version', sa.Integer(), nullable=False),
        sa.Column('analysed_for', sa.Date(), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_kept_insights_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'start_date', 'end_date',
                                name=op.f('pk_kept_insights')),
    )


def downgrade():
    op.drop_table('kept_insights')
    for table in ('clinic_connections', 'shares'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('include_insights')
