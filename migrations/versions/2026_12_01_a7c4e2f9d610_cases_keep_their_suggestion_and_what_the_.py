"""cases keep the identification's suggestion made at intake, what the dispatcher decided beside it, and the
primary case a duplicate was linked to

Revision ID: a7c4e2f9d610
Revises: d3f8a1c6b250
Create Date: 2026-12-01 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e2f9d610'
down_revision = 'd3f8a1c6b250'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggestion', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('identification', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('identified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_cases_identified_at', ['identified_at'], unique=False)
        batch_op.create_index('ix_cases_duplicate_of', ['duplicate_of'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_duplicate_of')
        batch_op.drop_index('ix_cases_identified_at')
        batch_op.drop_column('duplicate_of')
        batch_op.drop_column('identified_at')
        batch_op.drop_column('identification')
        batch_op.drop_column('suggestion')
