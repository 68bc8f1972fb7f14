"""cases keep when they entered mediation and judicial confirmation and when they were last reopened, and the
escalation work items get partial indexes on their opening and closing times: the reports count these per period

Revision ID: c5e9a3b7d104
Revises: b8d2f4a6c913
Create Date: 2026-12-01 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e9a3b7d104'
down_revision = 'b8d2f4a6c913'
branch_labels = None
depends_on = None

TIMES = ('mediation_started_at', 'judicial_applied_at', 'reopened_at')
ESCALATIONS = sa.text("origin_timer IS NOT NULL")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in TIMES:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        for name in TIMES:
            batch_op.create_index(f'ix_cases_{name}', [name], unique=False)
    op.create_index('ix_work_items_escalation_created', 'work_items', ['created_at'], unique=False,
                    sqlite_where=ESCALATIONS, postgresql_where=ESCALATIONS)
    op.create_index('ix_work_items_escalation_completed', 'work_items', ['completed_at'], unique=False,
                    sqlite_where=ESCALATIONS, postgresql_where=ESCALATIONS)


def downgrade():
    op.drop_index('ix_work_items_escalation_completed', table_name='work_items')
    op.drop_index('ix_work_items_escalation_created', table_name='work_items')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in TIMES:
            batch_op.drop_index(f'ix_cases_{name}')
        for name in reversed(TIMES):
            batch_op.drop_column(name)
