"""Database connection: COUNTERWATCH_DATABASE_URL, or an SQLite file in the user's data folder."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from counterwatch.limits import LIMITS

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

DEFAULT_PATH = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "counterwatch" / "register.sqlite"


def database_url() -> str:
    url = os.environ.get("COUNTERWATCH_DATABASE_URL")
    if url:
        return url
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


class _Deadline:
    """SQLite's statement time-out: SQLAlchemy's before_cursor_execute notes when each statement starts,
    the progress handler (every few thousand VM steps) interrupts one that has run past `seconds`. Not
    sqlite3's trace hook: it hands Python each statement with its parameters expanded, a 10 MB upload's
    payload as 20 MB of hex built under the GIL (1.1 s in which the server answered nobody)."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.started, self.off = seconds, time.monotonic(), False

    def start(self, *_args) -> None:
        self.started = time.monotonic()

    def passed(self) -> int:
        return int(not self.off and time.monotonic() - self.started > self.seconds)


def connect(url: str | None = None, statement_timeout_s: float = LIMITS.write_statement_timeout_s) -> Engine:
    """An engine with the schema migrated to the newest version; SQLite gets WAL and foreign keys.
    No SQL statement runs longer than `statement_timeout_s` (the web serves with the shorter
    LIMITS.statement_timeout_s): it fails with an error `is_timeout` recognises."""
    sqlite = (url or database_url()).startswith("sqlite")
    # SQLite: a writer waits up to the time-out for another's lock instead of failing at once
    engine = create_engine(url or database_url(), connect_args={"timeout": statement_timeout_s} if sqlite else {})
    if engine.dialect.name == "postgresql":
        @event.listens_for(engine, "connect")
        def _timeout(conn, _record) -> None:
            with conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {int(statement_timeout_s * 1000)}")
            conn.commit()
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(conn, record) -> None:
            deadline = record.info["deadline"] = _Deadline(statement_timeout_s)
            conn.set_progress_handler(deadline.passed, 10_000)
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash never corrupts or loses a commit; only power loss may drop the last
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB: the default 2 MB re-reads a large register's index pages from the OS on every search
            cur.close()

        @event.listens_for(engine, "before_cursor_execute")
        def _started(conn, *_args) -> None:
            deadline = conn.connection.info.get("deadline")
            if deadline is not None:
                deadline.start()
    migrate(engine)
    return engine


def is_timeout(exc: BaseException) -> bool:
    """Was this error a statement stopped by its time-out (either database)?"""
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc.orig).lower()
    return "statement timeout" in message or message.strip() == "interrupted"


@contextmanager
def untimed(conn: Connection) -> Iterator[None]:
    """No time-out for this connection's statements inside the block: migrations and index builds
    grow with the register."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        yield
        return
    deadline = conn.connection.info.get("deadline")
    if deadline is not None:
        deadline.off = True
    try:
        yield
    finally:
        if deadline is not None:
            deadline.off = False


def refresh_statistics(engine: Engine) -> None:
    """After a bulk ingest, give the planner the register as it now is. PostgreSQL with the statistics
    of an empty table (autovacuum lags behind a bulk load, or is off) plans every query, search's index
    reads and record pages alike, for a handful of rows. SQLite with none takes every index as selective:
    a public record page (claims of one record that are accepted) walked the status index, all accepted
    claims of the register (340 ms a page at 100k reports with one claim in ten accepted, 6 ms through
    the record's index). A sampled ANALYZE (analysis_limit) takes SQLite under 0.1 s there."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE source, entity, alias, deployment, relation, claim"))
        elif engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")


def alembic_config() -> Config:
    from alembic.config import Config  # here: only connecting migrates, importing the store need not load Alembic

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema to `revision` with Alembic (idempotent)."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn, untimed(conn):
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
