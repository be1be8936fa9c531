"""ingest jobs: sources added on the web or the API wait here for the server's extraction worker

Revision ID: 0008
Revises: 0006

Extraction ran inside the request, so one large upload froze every visitor. A job row holds the input
(URL, pasted text or uploaded bytes) until the worker takes it, its progress, and at the end the stored
source or the one-line reason it failed: both survive a restart and are listed.
(When 0007 lands before this one, this revises 0007.)
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ingest_job',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('status', sa.String(20), nullable=False, index=True),
        sa.Column('step', sa.String(40), nullable=False),
        sa.Column('actor', sa.String(100), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('name', sa.String(2000), nullable=False),
        sa.Column('title', sa.String(1000), nullable=True),
        sa.Column('payload', sa.LargeBinary(), nullable=True),
        sa.Column('source_id', sa.Integer(), sa.ForeignKey('source.id', ondelete='SET NULL'), nullable=True),
        sa.Column('outcome', sa.String(20), nullable=True),
        sa.Column('claims', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('ingest_job')
