"""claim indexes by field and value

Revision ID: 0004
Revises: 0003

At 100k reports two reads scanned claims: an actor's roles (claims naming it operator or supplier)
read every claim, and a search facet ("records with a technology claim of X") read every claim of
each candidate record, thousands for a much-named actor. (record_type, record_id, field, value)
answers the facet with one seek and still serves every read by record; (field, value) the roles.
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_claim_record_field', 'claim', ['record_type', 'record_id', 'field', 'value'], unique=False)
    op.drop_index('ix_claim_record', table_name='claim')
    op.create_index('ix_claim_field_value', 'claim', ['field', 'value'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_claim_field_value', table_name='claim')
    op.create_index('ix_claim_record', 'claim', ['record_type', 'record_id'], unique=False)
    op.drop_index('ix_claim_record_field', table_name='claim')
