"""process versions remember their last deployment, so that deploying old content again makes it current

Revision ID: 97b9c08da65d
Revises: 8eb5be12f830
Create Date: 2026-11-28 18:59:25.455937

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '97b9c08da65d'
down_revision = '8eb5be12f830'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deployed_by', sa.String(length=64), nullable=True))
    # Existing versions were deployed when they were created, by their author.
    op.execute("UPDATE process_versions SET deployed_at = created_at, deployed_by = author")
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.alter_column('deployed_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('deployed_by', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_process_versions_deployed_at'), ['deployed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_versions_deployed_at'))
        batch_op.drop_column('deployed_by')
        batch_op.drop_column('deployed_at')

