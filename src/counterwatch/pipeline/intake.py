"""Ingest a stream of sources: extract them (worker processes, or a Dask cluster) and store each in
its own transaction, skipping content already stored. One loop serves the CLI and the benchmarks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from sqlalchemy import Engine
from sqlalchemy.exc import DataError

from counterwatch.extract.parallel import extract_many
from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source
from counterwatch.store.db import refresh_statistics
from counterwatch.store.deployment_resolution import auto_merge as merge_programs
from counterwatch.store.known import stored_check
from counterwatch.store.resolution import auto_merge
from counterwatch.store.writer import store_extraction

OnDone = Callable[[Source | InputError, str], None]  # called with each item and its outcome


def ingest(engine: Engine, items: Iterable[Source | InputError], workers: int = 1,
           on_done: OnDone | None = None) -> Counter:
    """Counts by outcome (stored, new_version, unchanged, failed) and of claims stored."""
    tally: Counter = Counter()
    for item, result in extract_many(items, workers, skip=stored_check(engine)):
        if isinstance(item, InputError):
            outcome = "failed"
        elif result is None:  # already stored: not extracted again
            outcome = "unchanged"
        else:
            try:
                stored = store_extraction(engine, item, result)
            except DataError as exc:  # a value the database refuses: this input fails, the batch goes on
                item, outcome = InputError(item.uri, f"not stored ({str(exc.orig).splitlines()[0]})"), "failed"
            else:
                outcome = stored.status
                tally["claims"] += stored.claims
        tally[outcome] += 1
        if on_done:
            on_done(item, outcome)
    return tally


def finish(engine: Engine) -> int:
    """What follows a bulk ingest, in-process or on a cluster: merge the entities it made that are
    clearly one actor, then the deployments that are clearly one program (their operators are those
    entities), then let the database's planner see the register as it now is. Returns how many
    entities were merged."""
    merged = auto_merge(engine)
    merge_programs(engine)
    refresh_statistics(engine)
    return merged
