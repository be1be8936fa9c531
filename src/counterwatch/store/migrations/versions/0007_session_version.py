"""session version: logout and account changes end an account's sessions on the server

Revision ID: 0007
Revises: 0006

A signed session cookie names the account and the session version it was issued under; the web
layer checks both against this column on every request, so a copied or replayed cookie stops
working once the account logs out, is removed, or has its role or password changed.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('session_version')
