"""session safety: readings on sessions, medications, bladder checks

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:40:00

DESIGN.md "Session safety and medications": treatments gain vitals (JSON readings),
observation_minutes, concomitant (JSON) and bp_flagged_on (the session's local date when
its readings raise a flag, indexed with user_id for the clinic panel); a patient's
medication list keyed (patient, client UUID) like treatments, with its dose changes in
JSON; and the weekly bladder question's answers keyed (patient, date).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vitals', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('observation_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('concomitant', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('bp_flagged_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_treatments_user_bp_flagged', ['user_id', 'bp_flagged_on'],
                              unique=False)

    op.create_table('medications',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('dose', sa.String(length=60), nullable=False),
    sa.Column('drug_class', sa.String(length=24), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('initial_dose', sa.String(length=60), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_medications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'id', name=op.f('pk_medications'))
    )
    op.create_table('bladder_checks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('symptoms', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bladder_checks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'date', name=op.f('pk_bladder_checks'))
    )


def downgrade():
    op.drop_table('bladder_checks')
    op.drop_table('medications')
    with op.batch_alter_table('treatments', schema=None) as batch_op:
        batch_op.drop_index('ix_treatments_user_bp_flagged')
        batch_op.drop_column('bp_flagged_on')
        batch_op.drop_column('concomitant')
        batch_op.drop_column('observation_minutes')
        batch_op.drop_column('vitals')
