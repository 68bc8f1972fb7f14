"""intake's duplicate search finds a township's cases of the last day by (township_code, opened_at) instead of
reading every case the township ever had: the single-column township index is replaced by the pair, whose prefix
serves everything the old one did (the reports' township filters, the foreign key)

Revision ID: e3a5c7d9f1b2
Revises: a4c6e8f0b2d4
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e3a5c7d9f1b2'
down_revision = 'a4c6e8f0b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.create_index('ix_cases_township_opened', ['township_code', 'opened_at'], unique=False)
        batch.drop_index('ix_cases_township_code')


def downgrade():
    with op.batch_alter_table('cases') as batch:
        batch.create_index('ix_cases_township_code', ['township_code'], unique=False)
        batch.drop_index('ix_cases_township_opened')
