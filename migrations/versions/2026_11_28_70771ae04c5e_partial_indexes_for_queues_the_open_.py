"""partial indexes for queues: the open work items of a team, most urgent first

Every open work item gets a limit (24 hours after it was created where none was drawn), so that queues
can sort by due_at alone and read the first page straight off an index of open items.

Revision ID: 70771ae04c5e
Revises: 6c2fcccf522b
Create Date: 2026-11-28 20:00:51.698097

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '70771ae04c5e'
down_revision = '6c2fcccf522b'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE work_items SET due_at = created_at + INTERVAL '24 hours' WHERE due_at IS NULL"
               if op.get_bind().dialect.name == "postgresql" else
               "UPDATE work_items SET due_at = datetime(created_at, '+24 hours') WHERE due_at IS NULL")
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_items_state_due'))
        batch_op.drop_index(batch_op.f('ix_work_items_team_state_due'))
        batch_op.create_index('ix_work_items_open_due', ['due_at', 'id'], unique=False, sqlite_where=sa.text("state IN ('open', 'claimed')"), postgresql_where=sa.text("state IN ('open', 'claimed')"))
        batch_op.create_index('ix_work_items_open_team_due', ['team_code', 'due_at', 'id'], unique=False, sqlite_where=sa.text("state IN ('open', 'claimed')"), postgresql_where=sa.text("state IN ('open', 'claimed')"))



def downgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_index('ix_work_items_open_team_due', sqlite_where=sa.text("state IN ('open', 'claimed')"), postgresql_where=sa.text("state IN ('open', 'claimed')"))
        batch_op.drop_index('ix_work_items_open_due', sqlite_where=sa.text("state IN ('open', 'claimed')"), postgresql_where=sa.text("state IN ('open', 'claimed')"))
        batch_op.create_index(batch_op.f('ix_work_items_team_state_due'), ['team_code', 'state', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_items_state_due'), ['state', 'due_at'], unique=False)

