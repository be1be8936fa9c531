"""claim full-text index on PostgreSQL: each claim's tsvector with a token of its id's bucket

Revision ID: 0011
Revises: 0010

GIN hands matches over in no useful order, so search had to fetch every match of a word from the
heap to find its newest ones (47k claims for "Lagos" at 100k reports, 100+ ms). With tokens naming
the claim's id bucket (id >> 16: 65,536 claims) and coarse bucket (id >> 19) in the indexed expression,
the index itself narrows a word to the newest buckets and only those matches are read (query/search.py). The token cannot meet
a word: PostgreSQL's parser splits words at '_'. Nothing changes on SQLite, whose FTS5 doclists are
in id order already. The expression index replaces the plain one: words alone are served by it too.
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BUCKETED = "(claim_fts_vector || ('idb_' || (id >> 16)::text || ' idc_' || (id >> 19)::text)::tsvector)"  # query/search.py
# says the same; a text cast to tsvector splits at the space: two tokens


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_claim_fts_bucketed ON claim USING gin ({BUCKETED})")
    op.execute("DROP INDEX IF EXISTS ix_claim_fts_vector")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_claim_fts_vector ON claim USING gin (claim_fts_vector)")
    op.execute("DROP INDEX IF EXISTS ix_claim_fts_bucketed")
