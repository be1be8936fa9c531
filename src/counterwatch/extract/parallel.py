"""Extraction on several cores: worker processes each load the model once and return extractions
in input order, so the caller can store them one transaction at a time."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator

from counterwatch.extract.model import Extraction
from counterwatch.extract.pipeline import Extractor
from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source

CHUNKSIZE = 4
Skip = Callable[[Source], bool]
_worker: Extractor | None = None
_skip: Skip | None = None


def _init(skip: Skip | None = None) -> None:
    global _worker, _skip
    _worker, _skip = Extractor(), skip


def _extract(item: Source | InputError) -> tuple[Source | InputError, Extraction | None]:
    if isinstance(item, InputError) or (_skip is not None and _skip(item)):
        return item, None
    return item, _worker(item)


def extract_many(items: Iterable[Source | InputError], workers: int,
                 skip: Skip | None = None) -> Iterator[tuple[Source | InputError, Extraction | None]]:
    """(source or error, extraction or None) for each item, in order; None also for sources `skip`
    says are done (already stored). workers=1 stays in-process."""
    if workers <= 1:
        _init(skip)
        yield from map(_extract, items)
        return
    with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(skip,)) as pool:
        yield from pool.imap(_extract, items, chunksize=CHUNKSIZE)
