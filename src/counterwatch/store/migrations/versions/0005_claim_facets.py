"""claim facets: a deployment's facets as full-text tokens on its claims

Revision ID: 0005
Revises: 0004

Search filters (technology, start year, country, status) checked the record of every claim that
matched the words, a cost that grew with the register. The facets column joins the full-text index
so one index query answers words and facets (store/facets.py). The index (SQLite's FTS5 table,
PostgreSQL's stored tsvector) is dropped here and made again with the facets by revision 0010.
"""
import sqlalchemy as sa
from alembic import op

from counterwatch.store.facets import FIELDS, tokens

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_SQLITE_FTS = ["DROP TRIGGER IF EXISTS claim_fts_ai", "DROP TRIGGER IF EXISTS claim_fts_ad",
               "DROP TRIGGER IF EXISTS claim_fts_au", "DROP TABLE IF EXISTS claim_fts"]
_PG_FTS = ["ALTER TABLE claim DROP COLUMN IF EXISTS claim_fts_vector"]  # its index goes with it


def upgrade() -> None:
    conn = op.get_bind()
    # the full-text index is made again with the facets by 0010; none is kept up per backfilled row
    for sql in _SQLITE_FTS if conn.dialect.name == "sqlite" else _PG_FTS:
        op.execute(sql)
    op.add_column('claim', sa.Column('facets', sa.Text(), nullable=True))
    op.execute("UPDATE claim SET facets = 'cert_' || lower(certainty)")  # facets.column() of a claim with no record tokens
    fields = ", ".join(f"'{f}'" for f in FIELDS)
    rows = conn.execute(sa.text(f"SELECT record_id, field, value FROM claim WHERE record_type = 'deployment' "
                                f"AND field IN ({fields}) ORDER BY record_id"))
    update = sa.text("UPDATE claim SET facets = :f || ' cert_' || lower(certainty) "
                     "WHERE record_type = 'deployment' AND record_id = :r")
    batch, current, pairs = [], None, []
    for rid, field, value in [*rows, (None, None, None)]:
        if rid != current:
            if current is not None and (found := tokens(pairs)):
                batch.append({"f": found, "r": current})
            current, pairs = rid, []
        pairs.append((field, value))
        if len(batch) >= 5000 or (rid is None and batch):
            conn.execute(update, batch)
            batch = []


def downgrade() -> None:
    conn = op.get_bind()
    for sql in _SQLITE_FTS if conn.dialect.name == "sqlite" else _PG_FTS:
        op.execute(sql)
    with op.batch_alter_table('claim') as batch_op:
        batch_op.drop_column('facets')
