"""protected persons

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: SQLite supports it, and a batch copy of `entity` would trip its foreign keys
    op.add_column('entity', sa.Column('protected_suggested', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('entity', sa.Column('protected_decision', sa.Boolean(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_column('protected_decision')
        batch_op.drop_column('protected_suggested')

