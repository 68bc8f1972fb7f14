"""link escalation work items to the step they escalate; record timer failures on the case

Revision ID: 8eb5be12f830
Revises: d941d0070ac7
Create Date: 2026-11-28 18:36:56.722084

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8eb5be12f830'
down_revision = 'd941d0070ac7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_element', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('error_message', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('error_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_error_at'), ['error_at'], unique=False)

    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_timer', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('escalated_item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index(batch_op.f('ix_work_items_escalated_item_id'), ['escalated_item_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_work_items_escalated_item_id_work_items'), 'work_items', ['escalated_item_id'], ['id'])



def downgrade():
    with op.batch_alter_table('work_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_items_escalated_item_id_work_items'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_work_items_escalated_item_id'))
        batch_op.drop_column('escalated_item_id')
        batch_op.drop_column('origin_timer')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_error_at'))
        batch_op.drop_column('error_at')
        batch_op.drop_column('error_message')
        batch_op.drop_column('error_element')

