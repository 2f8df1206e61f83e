"""fhir keys: a random key per account, share and clinic connection for FHIR resource ids

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:00:00

Every FHIR resource id is derived from the key of the scope it is downloaded through (the
patient's own export, a share link, a clinic connection), never from the account's id:
ids stay the same from one download to the next within a scope, and say nothing about
the account or about the same patient's other scopes (issue 20, item 7). Existing rows get
a random key each.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ('users', 'shares', 'clinic_connections')


def upgrade():
    connection = op.get_bind()
    for name in TABLES:
        with op.batch_alter_table(name) as batch_op:
            batch_op.add_column(sa.Column('fhir_key', sa.String(length=32), nullable=True))
        table = sa.table(name, sa.column('id'), sa.column('fhir_key'))
        for (key,) in connection.execute(sa.select(table.c.id)).all():
            connection.execute(table.update().where(table.c.id == key)
                               .values(fhir_key=secrets.token_hex(16)))
        with op.batch_alter_table(name) as batch_op:
            batch_op.alter_column('fhir_key', existing_type=sa.String(length=32),
                                  nullable=False)


def downgrade():
    for name in reversed(TABLES):
        with op.batch_alter_table(name) as batch_op:
            batch_op.drop_column('fhir_key')
