"""The ingest worker: one process beside the server (or a thread for an in-memory register) takes the
queued jobs (store/jobs.py) one by one, reads, extracts and stores each, so a large source never holds
up a request. It loads the model once and outlives any failing job."""

from __future__ import annotations

import logging
import os
import time

from sqlalchemy import Engine
from sqlalchemy.exc import DataError

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import bounded, read_data, read_pasted, read_url
from counterwatch.ingest.source import Source
from counterwatch.store import jobs
from counterwatch.store import schema as t
from counterwatch.store.db import connect
from counterwatch.store.deployment_resolution import merge_programs_of
from counterwatch.store.writer import store_extraction

log = logging.getLogger(__name__)
NICE = 10  # the worker's process yields the cores to the server's requests: on 2 cores a 10 MB upload's
# decoding, or an extraction, took the probe's p95 past 2x its quiet value at the same priority


def _source(job: t.IngestJob) -> Source:
    """The job's input through the readers the CLI uses (ingest/readers.py)."""
    if job.kind == "url":
        return bounded(read_url(job.name))  # http(s) only: a job never reads the server's disk
    if job.kind == "file":
        return read_data(job.payload or b"", job.name, f"upload:{job.name}")
    return read_pasted((job.payload or b"").decode("utf-8"), job.title)


def run_one(engine: Engine, extractor) -> int | None:
    """Do the oldest queued job; returns its id, or None when the queue is empty. An input that cannot
    be read or stored fails its job with one line; any other error fails it too, and is logged."""
    job = jobs.take(engine)
    if job is None:
        return None
    try:
        source = _source(job)
        jobs.mark(engine, job.id, step="extracting")
        extraction = extractor(source)
        jobs.mark(engine, job.id, step="storing")
        result = store_extraction(engine, source, extraction, actor=job.actor)
        merge_programs_of(engine, result.source_id)
    except InputError as exc:
        jobs.mark(engine, job.id, status="failed", step="done", error=str(exc), payload=None)
    except DataError as exc:
        jobs.mark(engine, job.id, status="failed", step="done", error=f"not stored ({str(exc.orig).splitlines()[0]})",
                  payload=None)
    except Exception as exc:  # noqa: BLE001 - the worker outlives any one job; the job says what happened
        log.exception("ingest job %s failed", job.id)
        jobs.mark(engine, job.id, status="failed", step="done", error=f"internal error ({type(exc).__name__})",
                  payload=None)
    else:
        jobs.mark(engine, job.id, status="done", step="done", source_id=result.source_id, outcome=result.status,
                  claims=result.claims, payload=None)
    return job.id


def work(target: Engine | str, stop=None) -> None:
    """The worker's loop (a process of its own given the register's URL, or a thread given the engine
    of an in-memory register): load the model once, then take jobs until `stop` (an Event) is set."""
    from counterwatch.extract import Extractor  # here, not at the top: the server imports this module, only
    # the worker needs spaCy and the model
    engine = connect(target) if isinstance(target, str) else target
    parent = os.getppid()
    if isinstance(target, str):  # a process of its own: lower its priority, not the server's
        os.nice(NICE)
    jobs.requeue_running(engine)
    extractor = Extractor()
    while (stop is None or not stop.is_set()) and (not isinstance(target, str) or os.getppid() == parent):
        if run_one(engine, extractor) is None:  # a server killed without closing it leaves no orphan
            time.sleep(jobs.POLL_S)
