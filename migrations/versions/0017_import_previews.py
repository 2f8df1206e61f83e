"""import previews: an uploaded file kept for an hour until the patient commits it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 08:20:00

Issue 24 (bring your history). One row per preview: the owner, the detected format, the
file as uploaded and when it expires. Nothing else changes.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_previews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.String(length=16), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_previews_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_previews')),
    )
    with op.batch_alter_table('import_previews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_previews_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_previews_expires_at'), ['expires_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('import_previews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_previews_expires_at'))
        batch_op.drop_index(batch_op.f('ix_import_previews_user_id'))
    op.drop_table('import_previews')
