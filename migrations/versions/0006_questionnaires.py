"""questionnaire responses and enabled check-ins

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:39:46

PHQ-9, GAD-7 and PEG responses, keyed by (patient, UUID) like treatment sessions, with
the server's score stored beside the answers; and which check-ins each patient has on
(existing accounts get the default, PHQ-9 and PEG).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaire_responses',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('instrument', sa.String(length=8), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=True),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=True),
    sa.Column('safety_flag', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_questionnaire_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'id', name=op.f('pk_questionnaire_responses'))
    )
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.create_index('ix_questionnaire_responses_user_answered', ['user_id', 'answered_at'], unique=False)

    # "questionnaires.csv" is a new thing a provider can open.
    with op.batch_alter_table('share_views', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=16),
                              type_=sa.String(length=24), existing_nullable=False)
        batch_op.alter_column('opened', existing_type=sa.String(length=64),
                              type_=sa.String(length=128), existing_nullable=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaires', sa.JSON(), nullable=True))
    op.execute("""UPDATE users SET questionnaires = '["phq9", "peg"]'""")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('questionnaires', existing_type=sa.JSON(), nullable=False)



def downgrade():
    with op.batch_alter_table('share_views', schema=None) as batch_op:
        batch_op.alter_column('opened', existing_type=sa.String(length=128),
                              type_=sa.String(length=64), existing_nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=24),
                              type_=sa.String(length=16), existing_nullable=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('questionnaires')

    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_questionnaire_responses_user_answered')

    op.drop_table('questionnaire_responses')
