"""Extraction on several cores: worker processes each load the model once and return extractions
in input order, so the caller can store them one transaction at a time."""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable, Iterable, Iterator
from spacy.util import minibatch

from counterwatch.extract.pipeline import Extractor
from counterwatch.findings import Extraction
from counterwatch.ingest.errors import InputError
from counterwatch.ingest.source import Source

CHUNK = 8  # sources per task: one model pass over all their paragraphs
IN_FLIGHT = 4  # chunks per worker queued or being extracted at once
Skip = Callable[[Source], bool]
Item = Source | InputError
_worker: Extractor | None = None
_skip: Skip | None = None


def _init(skip: Skip | None = None) -> None:
    global _worker, _skip
    _worker, _skip = Extractor(), skip


def _extract(chunk: list[Item]) -> list[tuple[Item, Extraction | None]]:
    todo = [item for item in chunk if not isinstance(item, InputError) and not (_skip is not None and _skip(item))]
    done = dict(zip(map(id, todo), _worker.extract_batch(todo))) if todo else {}
    return [(item, done.get(id(item))) for item in chunk]


def extract_many(items: Iterable[Item], workers: int, skip: Skip | None = None) -> Iterator[tuple[Item, Extraction | None]]:
    """(source or error, extraction or None) for each item, in order; None also for sources `skip`
    says are done (already stored). workers=1 stays in-process."""
    if workers <= 1:
        _init(skip)
        for chunk in minibatch(items, CHUNK):
            yield from _extract(chunk)
        return
    # Pool.imap reads its input as fast as it can: a semaphore keeps a few chunks per worker in flight,
    # so an archive streams through in flat memory instead of being read into the task queue whole.
    slots, stop = threading.BoundedSemaphore(workers * IN_FLIGHT), threading.Event()

    def feed() -> Iterator[list[Item]]:
        for chunk in minibatch(items, CHUNK):
            while not slots.acquire(timeout=0.2):
                if stop.is_set():
                    return
            yield chunk

    with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(skip,)) as pool:
        try:
            for results in pool.imap(_extract, feed()):
                slots.release()
                yield from results
        finally:
            stop.set()
