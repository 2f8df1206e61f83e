"""truthful panel: what the clinic panel reads is recomputed by the corrected rules

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 05:10:00

Issue 21. The kept analysis gains the PHQ-9's and PEG's change computed from the exact
scores (null while the latest score is no follow-up), the item-9 answer of the latest
safety flag and the flags (reading and threshold) of the latest blood-pressure-flagged
session. Mood is now kept as logged (higher is better) in `mood_baseline` and in every
kept series' body, so every kept analysis computed by the old rules is marked stale
(`analysed_version` null): the next read recomputes it (api/summaries/service.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kept_analyses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phq9_change_pct', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('peg_change_pct', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('safety_answer', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('bp_flags', sa.JSON(), nullable=True))
    # Computed by the old rules (mood as severity, changes from rounded scores): stale.
    op.execute("UPDATE kept_analyses SET analysed_version = NULL")


def downgrade():
    with op.batch_alter_table('kept_analyses', schema=None) as batch_op:
        batch_op.drop_column('bp_flags')
        batch_op.drop_column('safety_answer')
        batch_op.drop_column('peg_change_pct')
        batch_op.drop_column('phq9_change_pct')
    # The old rules read mood_baseline as severity: recompute by them.
    op.execute("UPDATE kept_analyses SET analysed_version = NULL")
