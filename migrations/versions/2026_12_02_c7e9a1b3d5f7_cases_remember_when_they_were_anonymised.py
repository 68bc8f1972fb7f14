"""cases remember when retention anonymised them (`flask retention`): the reporter, the address, the free text of
the forms, the timeline and the outbox were rewritten without what identifies a person; the figures stay

Revision ID: c7e9a1b3d5f7
Revises: b2d4f6a8c0e3
Create Date: 2026-12-02 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'c7e9a1b3d5f7'
down_revision = 'b2d4f6a8c0e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('anonymised_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('anonymised_at')
