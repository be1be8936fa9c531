"""Is a source's content already stored? Asked before extraction, so a re-run or a resumed ingest
(after a crash or kill -9) skips the model for everything it already has."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, select

from counterwatch.ingest.source import Source
from counterwatch.store import schema as t


class StoredCheck:
    """Callable on a Source; picklable, and each process (worker, cluster task) opens its own engine."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    def __getstate__(self) -> dict:
        return {"url": self.url, "_engine": None}

    def __call__(self, source: Source) -> bool:
        if self._engine is None:
            self._engine = create_engine(self.url)
        with self._engine.connect() as conn:
            return conn.scalar(select(t.Source.id).where(t.Source.sha256 == source.sha256).limit(1)) is not None


def stored_check(engine: Engine) -> StoredCheck | None:
    """None for an in-memory SQLite database, which no other connection can see."""
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return None
    return StoredCheck(engine.url.render_as_string(hide_password=False))
