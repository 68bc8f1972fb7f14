"""work items remember their round (a step that comes again) and a supervisor's reminder

Revision ID: 4b7d2e9a1c30
Revises: e35fbe492e7a
Create Date: 2026-12-01 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7d2e9a1c30'
down_revision = 'e35fbe492e7a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('reminder', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_column('reminder')
        batch_op.drop_column('round')
