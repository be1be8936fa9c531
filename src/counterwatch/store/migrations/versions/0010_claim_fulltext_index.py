"""claim full-text index: SQLite's FTS5 table with its triggers, PostgreSQL's stored tsvector

Revision ID: 0010
Revises: 0009

The index was created after the migrations by query/search.py, so the store imported the query layer
to set itself up. As a migration it is versioned with the schema it indexes. IF NOT EXISTS: a register
whose index that code already made keeps it; one created over claims already stored is rebuilt from
them. The facets column joins the words (store/facets.py); '_' stays inside tokens.
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS claim_fts USING fts5(quote, value, facets, content='claim', "
    "content_rowid='id', tokenize=\"unicode61 tokenchars '_'\")",
    "CREATE TRIGGER IF NOT EXISTS claim_fts_ai AFTER INSERT ON claim BEGIN "
    "INSERT INTO claim_fts(rowid, quote, value, facets) VALUES (new.id, new.quote, new.value, new.facets); END",
    "CREATE TRIGGER IF NOT EXISTS claim_fts_ad AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, quote, value, facets) "
    "VALUES ('delete', old.id, old.quote, old.value, old.facets); END",
    "CREATE TRIGGER IF NOT EXISTS claim_fts_au AFTER UPDATE ON claim BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, quote, value, facets) "
    "VALUES ('delete', old.id, old.quote, old.value, old.facets); "
    "INSERT INTO claim_fts(rowid, quote, value, facets) VALUES (new.id, new.quote, new.value, new.facets); END",
]
_PG = [  # stored: ranking reads the vector instead of re-parsing every matching quote; the facet tokens
    # go in verbatim (a text cast to tsvector splits at spaces only)
    "ALTER TABLE claim ADD COLUMN IF NOT EXISTS claim_fts_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('english', coalesce(quote, '') || ' ' || coalesce(value, '')) || "
    "coalesce(facets, '')::tsvector) STORED",
    "CREATE INDEX IF NOT EXISTS ix_claim_fts_vector ON claim USING gin (claim_fts_vector)",
]


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        for sql in _PG:
            op.execute(sql)
        return
    fresh = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'claim_fts'").scalar() == 0
    for sql in _SQLITE:
        op.execute(sql)
    if fresh and conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM claim)").scalar():
        op.execute("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for sql in ["DROP TRIGGER IF EXISTS claim_fts_ai", "DROP TRIGGER IF EXISTS claim_fts_ad",
                    "DROP TRIGGER IF EXISTS claim_fts_au", "DROP TABLE IF EXISTS claim_fts"]:
            op.execute(sql)
    else:
        op.execute("ALTER TABLE claim DROP COLUMN IF EXISTS claim_fts_vector")  # its index goes with it
