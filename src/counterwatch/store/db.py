"""Database connection: COUNTERWATCH_DATABASE_URL, or an SQLite file in the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text

MIGRATIONS = Path(__file__).with_name("migrations")

DEFAULT_PATH = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "counterwatch" / "register.sqlite"


def database_url() -> str:
    url = os.environ.get("COUNTERWATCH_DATABASE_URL")
    if url:
        return url
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


def connect(url: str | None = None) -> Engine:
    """An engine with the schema migrated to the newest version; SQLite gets WAL and foreign keys."""
    engine = create_engine(url or database_url())
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash never corrupts or loses a commit; only power loss may drop the last
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB: the default 2 MB re-reads a large register's index pages from the OS on every search
            cur.close()
    migrate(engine)
    from counterwatch.query.search import ensure_index  # the index belongs to search, the call to set-up
    ensure_index(engine)
    return engine


def refresh_statistics(engine: Engine) -> None:
    """After a bulk ingest, give PostgreSQL's planner the register as it now is: with the statistics of
    an empty table (autovacuum lags behind a bulk load, or is off) it plans every query, search's
    index reads and record pages alike, for a handful of rows. SQLite's planner needs none here."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE source, entity, alias, deployment, relation, claim"))


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema to `revision` with Alembic (idempotent)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
