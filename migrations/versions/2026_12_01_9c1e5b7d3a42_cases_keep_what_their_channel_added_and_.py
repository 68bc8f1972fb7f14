"""cases keep what their channel added (incident number, work order, post, market, station) and the call time

Revision ID: 9c1e5b7d3a42
Revises: 4b7d2e9a1c30
Create Date: 2026-12-01 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '9c1e5b7d3a42'
down_revision = '4b7d2e9a1c30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel_details', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('called_at', app.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('called_at')
        batch_op.drop_column('channel_details')
