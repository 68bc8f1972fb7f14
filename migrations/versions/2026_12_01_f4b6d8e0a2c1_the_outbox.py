"""the outbox: messages owed to reporters, teams and channels (accepted, dispatched, handled, closed, a new step,
an escalation, the official reply), written in the case change's own transaction and delivered at least once
by `flask notify run` under a unique key, with their tries, next try and last error

Revision ID: f4b6d8e0a2c1
Revises: e8a1f3c5b72d
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'f4b6d8e0a2c1'
down_revision = 'e8a1f3c5b72d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('case_no', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('audience', sa.String(length=16), nullable=False),
        sa.Column('team_code', sa.String(length=64), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('last_error', sa.String(length=512), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('sender', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_key')),
    )
    op.create_index('ix_outbox_pending_due', 'outbox', ['next_attempt_at', 'id'], unique=False,
                    sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
    op.create_index('ix_outbox_case', 'outbox', ['case_id', 'id'], unique=False)
    op.create_index('ix_outbox_state_created', 'outbox', ['state', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_state_created', table_name='outbox')
    op.drop_index('ix_outbox_case', table_name='outbox')
    op.drop_index('ix_outbox_pending_due', table_name='outbox')
    op.drop_table('outbox')
