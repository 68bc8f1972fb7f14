"""work items keep their step's milestone (the diagram's `milestone` property: callback, mediation, judicial,
handled) and, once completed, the value of the field it names, indexed by creation and completion: the reports
count each callback answer, mediation and court decision of a period, a reopened case's second round included,
and a month's steps by their creation

Revision ID: e8a1f3c5b72d
Revises: c5e9a3b7d104
Create Date: 2026-12-01 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8a1f3c5b72d'
down_revision = 'c5e9a3b7d104'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite has it): a batch copy of work_items would rebuild its partial indexes as full ones.
    op.add_column('work_items', sa.Column('milestone', sa.String(length=64), nullable=True))
    op.add_column('work_items', sa.Column('milestone_value', sa.String(length=64), nullable=True))
    op.create_index('ix_work_items_milestone_created', 'work_items', ['milestone', 'created_at'], unique=False)
    op.create_index('ix_work_items_milestone_completed', 'work_items', ['milestone', 'completed_at'], unique=False)
    op.create_index('ix_work_items_created_at', 'work_items', ['created_at'], unique=False)


def downgrade():
    op.drop_index('ix_work_items_created_at', table_name='work_items')
    op.drop_index('ix_work_items_milestone_completed', table_name='work_items')
    op.drop_index('ix_work_items_milestone_created', table_name='work_items')
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_column('milestone_value')
        batch_op.drop_column('milestone')
