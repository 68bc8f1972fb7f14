"""the city's people: phones, forced password changes and deactivation on users; team leaders; the
qualifications (三师一员, a mediator's certificate number) a step may require; the teams' duty rota; and the
qualification a work item needs, read from its user task's `qualification` property

Revision ID: a4c6e8f0b2d4
Revises: c7e9a1b3d5f7
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d4'
down_revision = 'c7e9a1b3d5f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('deactivated_at', UTCDateTime(), nullable=True))
    with op.batch_alter_table('team_memberships') as batch:
        batch.add_column(sa.Column('is_leader', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'qualifications',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('code', sa.String(length=32), primary_key=True),
        sa.Column('certificate_no', sa.String(length=64), nullable=True),
    )
    op.create_table(
        'duty_shifts',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('team_code', sa.String(length=64), sa.ForeignKey('teams.code'), nullable=False),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
        sa.Column('starts_at', UTCDateTime(), nullable=False),
        sa.Column('ends_at', UTCDateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
    )
    op.create_index('ix_duty_shifts_team_time', 'duty_shifts', ['team_code', 'ends_at', 'starts_at'])
    op.create_index('ix_duty_shifts_user_id', 'duty_shifts', ['user_id'])
    with op.batch_alter_table('work_items') as batch:
        batch.add_column(sa.Column('qualification', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('work_items') as batch:
        batch.drop_column('qualification')
    op.drop_index('ix_duty_shifts_user_id', table_name='duty_shifts')
    op.drop_index('ix_duty_shifts_team_time', table_name='duty_shifts')
    op.drop_table('duty_shifts')
    op.drop_table('qualifications')
    with op.batch_alter_table('team_memberships') as batch:
        batch.drop_column('is_leader')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('deactivated_at')
        batch.drop_column('must_change_password')
        batch.drop_column('phone')
