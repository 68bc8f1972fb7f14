"""cases remember their possible duplicates (same phone in 7 days, same township and similar text in 24 hours)

Revision ID: d3f8a1c6b250
Revises: 9c1e5b7d3a42
Create Date: 2026-12-01 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3f8a1c6b250'
down_revision = '9c1e5b7d3a42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('possible_duplicates', sa.JSON(), nullable=True))
        batch_op.create_index('ix_cases_reporter_phone_opened', ['reporter_phone', 'opened_at'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_reporter_phone_opened')
        batch_op.drop_column('possible_duplicates')
