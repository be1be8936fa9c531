"""Cluster mode: each source is a Dask distributed task that extracts it and stores it in PostgreSQL.

Why this shape: extraction is the costly part and scales with workers; every worker writes its own
transactions to the team server, whose advisory lock (writer.STORE_LOCK) keeps entity resolution
exact while models run in parallel. The client only reads inputs and keeps a bounded number of
tasks in flight, so an archive of any size streams through in constant memory.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Engine

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source
from counterwatch.pipeline.intake import OnDone

IN_FLIGHT_PER_THREAD = 4  # tasks queued per worker thread: enough to keep workers busy, little memory
_lock = threading.Lock()
_state: dict = {}  # per worker process: the loaded model, the engine and the stored-check


def _worker_state(url: str) -> dict:
    with _lock:
        if _state.get("url") != url:
            from counterwatch.extract.pipeline import Extractor
            from counterwatch.store.db import connect
            from counterwatch.store.known import StoredCheck

            _state.update(url=url, extractor=Extractor(), engine=connect(url), stored=StoredCheck(url))
        return _state


def extract_and_store(source: Source, url: str) -> tuple[str, int]:
    """The task: (outcome, claims stored). Content already stored is not extracted again."""
    from counterwatch.store.writer import store_extraction

    state = _worker_state(url)
    if state["stored"](source):
        return "unchanged", 0
    result = store_extraction(state["engine"], source, state["extractor"](source))
    return result.status, result.claims


def ingest_on_cluster(engine: Engine, items: Iterable[Source | InputError], scheduler: str,
                      on_done: OnDone | None = None) -> Counter:
    """Like intake.ingest, with the work done by the cluster at `scheduler` (tcp://host:8786)."""
    if engine.dialect.name != "postgresql":
        raise ValueError("cluster mode writes to PostgreSQL: workers on other machines cannot reach an SQLite file "
                         "(set --database postgresql+psycopg://...)")
    from distributed import Client, as_completed

    url = engine.url.render_as_string(hide_password=False)
    tally: Counter = Counter()
    with Client(scheduler) as client:
        limit = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
        pending = as_completed()
        sources = {}

        def finish(future) -> None:
            outcome, claims = future.result()
            tally[outcome] += 1
            tally["claims"] += claims
            if on_done:
                on_done(sources.pop(future.key), outcome)

        for item in items:
            if isinstance(item, InputError):
                tally["failed"] += 1
                if on_done:
                    on_done(item, "failed")
                continue
            future = client.submit(extract_and_store, item, url, pure=False)
            sources[future.key] = item
            pending.add(future)
            while pending.count() >= limit:
                finish(next(pending))
        for future in pending:
            finish(future)
    return tally
