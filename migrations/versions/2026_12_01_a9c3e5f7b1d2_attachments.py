"""attachments: evidence from the scene (photos, documents, a video-call link) on a case, stored on disk by
content hash under the one storage root, with the sniffed type, size, thumbnail, who added it and when

Revision ID: a9c3e5f7b1d2
Revises: f4b6d8e0a2c1
Create Date: 2026-12-01 22:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a9c3e5f7b1d2'
down_revision = 'f4b6d8e0a2c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attachments',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('content_type', sa.String(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('path', sa.String(length=256), nullable=True),
        sa.Column('thumb_path', sa.String(length=256), nullable=True),
        sa.Column('url', sa.String(length=2048), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.Column('added_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    )
    op.create_index('ix_attachments_case', 'attachments', ['case_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_attachments_case', table_name='attachments')
    op.drop_table('attachments')
