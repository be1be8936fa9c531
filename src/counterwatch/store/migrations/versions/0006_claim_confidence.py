"""claim confidence: the trained model's probability for the value a claim proposes

Revision ID: 0006
Revises: 0005

The review queue can then put first the proposals the model is least sure of (most informative for
an editor, and for the next `counterwatch train`). Null for claims of the rule pass and of editors.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim') as batch:
        batch.add_column(sa.Column('confidence', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claim') as batch:
        batch.drop_column('confidence')
