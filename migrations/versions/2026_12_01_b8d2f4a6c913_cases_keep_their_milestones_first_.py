"""cases keep their milestones (first response of a team, handled, mediation outcome, judicial decision, callback
satisfaction), written by the case's save so the reports aggregate columns instead of loading workflows

Revision ID: b8d2f4a6c913
Revises: a7c4e2f9d610
Create Date: 2026-12-01 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d2f4a6c913'
down_revision = 'a7c4e2f9d610'
branch_labels = None
depends_on = None

TIMES = ('first_response_at', 'handled_at', 'mediated_at', 'judged_at', 'callback_at')


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in TIMES:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mediation_outcome', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('judicial_decision', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('satisfaction', sa.String(length=32), nullable=True))
        for name in TIMES:
            batch_op.create_index(f'ix_cases_{name}', [name], unique=False)
        batch_op.create_index('ix_cases_closed_at', ['closed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_closed_at')
        for name in TIMES:
            batch_op.drop_index(f'ix_cases_{name}')
        for name in ('satisfaction', 'judicial_decision', 'mediation_outcome', *reversed(TIMES)):
            batch_op.drop_column(name)
