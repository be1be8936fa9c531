"""claim (field, value) index

Revision ID: 0004
Revises: 0003

An actor's roles (claims naming it operator or supplier) were found by scanning every claim: seconds
per entity page at 100k reports.
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_claim_field_value', 'claim', ['field', 'value'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_claim_field_value', table_name='claim')
