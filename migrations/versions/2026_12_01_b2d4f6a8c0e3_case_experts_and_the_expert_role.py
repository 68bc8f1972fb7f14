"""case experts: the experts (lawyers, labour-relations officers, psychologists) invited to a case, with their
field, the video call's link and the advice they recorded; experts see only the cases they are invited to

Revision ID: b2d4f6a8c0e3
Revises: a9c3e5f7b1d2
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c0e3'
down_revision = 'a9c3e5f7b1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_experts',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('field', sa.String(length=32), nullable=False),
        sa.Column('video_url', sa.String(length=2048), nullable=True),
        sa.Column('invited_by', sa.String(length=64), nullable=False),
        sa.Column('invited_at', UTCDateTime(), nullable=False),
        sa.Column('advice', sa.String(length=5000), nullable=True),
        sa.Column('advised_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_experts_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_experts')),
    )
    op.create_index('ix_case_experts_username', 'case_experts', ['username', 'case_id'], unique=False)
    op.create_index('ix_case_experts_case', 'case_experts', ['case_id'], unique=False)


def downgrade():
    op.drop_index('ix_case_experts_case', table_name='case_experts')
    op.drop_index('ix_case_experts_username', table_name='case_experts')
    op.drop_table('case_experts')
