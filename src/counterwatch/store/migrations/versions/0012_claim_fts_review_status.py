"""claim full-text index: each claim's review status as a token beside its facets

Revision ID: 0012
Revises: 0011

The public sees accepted claims only. FTS5 hands a word's matches over newest first, but the status was
checked on the claim row of each, so on a register whose claims are mostly proposals a public search
walked every match of its words: at 100,000 reports (4.6M claims, none accepted) an anonymous search took
100-120 ms at the median and 430 ms at p95, an editor's 19 ms. With `review_<status>` indexed, the index
itself intersects the words with the status (query/search.py). The tokens live in a generated column
(`claim_fts_facets`: facets and status), so the index is rebuilt from the rows exactly as the triggers
fill it. On PostgreSQL the token joins the id buckets in the indexed expression (migration 0011): with one
claim in ten accepted, a public search there took 87-97 ms at the median, 110-126 at p95.
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TOKENIZE = "tokenize=\"unicode61 tokenchars '_'\""
DROP = ["DROP TRIGGER IF EXISTS claim_fts_ai", "DROP TRIGGER IF EXISTS claim_fts_ad",
        "DROP TRIGGER IF EXISTS claim_fts_au", "DROP TABLE IF EXISTS claim_fts"]


def _index(facets: str) -> list[str]:
    """The FTS5 table over claim's quote, value and `facets` column, with the triggers that keep it."""
    cols = f"quote, value, {facets}"
    return [
        f"CREATE VIRTUAL TABLE claim_fts USING fts5({cols}, content='claim', content_rowid='id', {TOKENIZE})",
        f"CREATE TRIGGER claim_fts_ai AFTER INSERT ON claim BEGIN INSERT INTO claim_fts(rowid, {cols}) "
        f"VALUES (new.id, new.quote, new.value, new.{facets}); END",
        f"CREATE TRIGGER claim_fts_ad AFTER DELETE ON claim BEGIN INSERT INTO claim_fts(claim_fts, rowid, {cols}) "
        f"VALUES ('delete', old.id, old.quote, old.value, old.{facets}); END",
        f"CREATE TRIGGER claim_fts_au AFTER UPDATE ON claim BEGIN INSERT INTO claim_fts(claim_fts, rowid, {cols}) "
        f"VALUES ('delete', old.id, old.quote, old.value, old.{facets}); "
        f"INSERT INTO claim_fts(rowid, {cols}) VALUES (new.id, new.quote, new.value, new.{facets}); END",
        "INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')",
    ]


BUCKETED = "(claim_fts_vector || ('idb_' || (id >> 16)::text || ' idc_' || (id >> 19)::text)::tsvector)"  # 0011
REVIEWED = ("(claim_fts_vector || ('idb_' || (id >> 16)::text || ' idc_' || (id >> 19)::text "
            "|| ' review_' || status)::tsvector)")  # query/search.py says the same


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_claim_fts_reviewed ON claim USING gin ({REVIEWED})")
        op.execute("DROP INDEX IF EXISTS ix_claim_fts_bucketed")
        return
    op.execute("ALTER TABLE claim ADD COLUMN claim_fts_facets TEXT GENERATED ALWAYS AS "
               "(coalesce(facets, '') || ' review_' || status) VIRTUAL")
    for sql in [*DROP, *_index("claim_fts_facets")]:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_claim_fts_bucketed ON claim USING gin ({BUCKETED})")
        op.execute("DROP INDEX IF EXISTS ix_claim_fts_reviewed")
        return
    for sql in [*DROP, *_index("facets")]:
        op.execute(sql)
    op.execute("ALTER TABLE claim DROP COLUMN claim_fts_facets")
