"""deployment resolution and entity-valued claims

Revision ID: 0009
Revises: 0008

Each report made its own deployment records; one program told by many sources became many records.
Deployments now merge non-destructively (`deployment.merged_into`, judged in `deployment_judgement`,
as entities are), and operator, supplier and place claims hold the id of the entity they name
(`claim.entity_id`), so readers resolve merges through one map instead of matching names. Claims
stored before this revision get the entity whose name or alias is their value, exactly.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ENTITY_FIELDS = "('operator', 'supplier', 'place')"


def upgrade() -> None:
    # plain ADD COLUMN: SQLite supports it, a batch copy of a large table would not be quick
    op.add_column('deployment', sa.Column('merged_into', sa.Integer(), nullable=True))
    op.create_index('ix_deployment_merged_into', 'deployment', ['merged_into'])
    op.add_column('claim', sa.Column('entity_id', sa.Integer(), nullable=True))
    op.create_index('ix_claim_entity_id', 'claim', ['entity_id'])
    op.create_table(
        'deployment_judgement',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('left_id', sa.Integer(), sa.ForeignKey('deployment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('right_id', sa.Integer(), sa.ForeignKey('deployment.id', ondelete='CASCADE'), nullable=False),
        sa.Column('judgement', sa.String(10), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('editor', sa.String(100), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('left_id', 'right_id'),
    )
    op.create_index('ix_deployment_judgement_left_id', 'deployment_judgement', ['left_id'])
    op.create_index('ix_deployment_judgement_right_id', 'deployment_judgement', ['right_id'])
    for match in ("SELECT min(e.id) FROM entity e WHERE e.name = claim.value",
                  "SELECT min(a.entity_id) FROM alias a WHERE a.name = claim.value"):
        op.execute(f"UPDATE claim SET entity_id = ({match}) WHERE record_type = 'deployment' "
                   f"AND field IN {ENTITY_FIELDS} AND entity_id IS NULL")


def downgrade() -> None:
    op.drop_table('deployment_judgement')
    op.drop_index('ix_claim_entity_id', 'claim')
    op.drop_index('ix_deployment_merged_into', 'deployment')
    with op.batch_alter_table('claim') as batch_op:
        batch_op.drop_column('entity_id')
    with op.batch_alter_table('deployment') as batch_op:
        batch_op.drop_column('merged_into')
