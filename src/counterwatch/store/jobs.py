"""Ingest jobs: the web and the API queue a source here and answer at once; a worker (one process
beside the server) reads, extracts and stores each in turn, so a large source never holds up a request.
The job rows are the queue: progress and failures survive a restart, and a job left running by a
crashed worker is queued again when the next worker starts."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from counterwatch.ingest import InputError, Source, bounded, read_data, read_url
from counterwatch.store import schema as t
from counterwatch.store.deployment_resolution import merge_programs_of
from counterwatch.store.writer import store_extraction

KINDS = ("url", "text", "file")
POLL_S = 0.3
log = logging.getLogger(__name__)


def submit(engine: Engine, actor: str, kind: str, name: str, payload: bytes | None = None,
           title: str | None = None) -> int:
    """Queue a source; returns the job id."""
    if kind not in KINDS:
        raise ValueError(f"job kind must be one of {KINDS}")
    with Session(engine) as session, session.begin():
        job = t.IngestJob(status="queued", step="waiting", actor=actor, kind=kind, name=name[:2000],
                          title=(title or None) and title[:1000], payload=payload)
        session.add(job)
        session.flush()
        return job.id


def _as_dict(job: t.IngestJob) -> dict[str, Any]:
    return {"id": job.id, "status": job.status, "step": job.step, "kind": job.kind, "name": job.name,
            "actor": job.actor, "source_id": job.source_id, "outcome": job.outcome, "claims": job.claims,
            "error": job.error, "created_at": job.created_at.isoformat(), "updated_at": job.updated_at.isoformat()}


def get(engine: Engine, job_id: int) -> dict[str, Any] | None:
    with Session(engine) as session:
        job = session.get(t.IngestJob, job_id)
        return _as_dict(job) if job else None


def recent(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    with Session(engine) as session:
        return [_as_dict(j) for j in session.scalars(select(t.IngestJob).order_by(t.IngestJob.id.desc()).limit(limit))]


def failed(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    """The ingest report: jobs that failed, newest first, each with the input and the reason."""
    with Session(engine) as session:
        return [_as_dict(j) for j in session.scalars(select(t.IngestJob).where(t.IngestJob.status == "failed")
                                                     .order_by(t.IngestJob.id.desc()).limit(limit))]


def requeue_running(engine: Engine) -> int:
    """Jobs a stopped worker left running go back to the queue (their input is still in the row)."""
    with Session(engine) as session, session.begin():
        return session.execute(update(t.IngestJob).where(t.IngestJob.status == "running")
                               .values(status="queued", step="waiting")).rowcount


def _take(engine: Engine) -> t.IngestJob | None:
    """The oldest queued job, marked running; a compare-and-set, so two workers never take one job."""
    while True:
        with engine.begin() as conn:
            job_id = conn.scalar(select(t.IngestJob.id).where(t.IngestJob.status == "queued")
                                 .order_by(t.IngestJob.id).limit(1))
            if job_id is None:
                return None
            taken = conn.execute(update(t.IngestJob).where(t.IngestJob.id == job_id, t.IngestJob.status == "queued")
                                 .values(status="running", step="reading")).rowcount
        if taken:
            with Session(engine) as session:
                return session.get(t.IngestJob, job_id)


def _set(engine: Engine, job_id: int, **values: Any) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(t.IngestJob).where(t.IngestJob.id == job_id).values(**values))


def _source(job: t.IngestJob) -> Source:
    if job.kind == "url":
        return bounded(read_url(job.name))  # http(s) only: a job never reads the server's disk
    if job.kind == "file":
        return read_data(job.payload or b"", job.name, f"upload:{job.name}")
    text = (job.payload or b"").decode("utf-8")
    body = (job.title + "\n\n" if job.title else "") + text.replace("\r\n", "\n")
    return bounded(Source(uri=f"pasted:{job.title or 'text'}", text=body))


def run_one(engine: Engine, extractor) -> int | None:
    """Do the oldest queued job; returns its id, or None when the queue is empty. An input that cannot
    be read or stored fails its job with one line; any other error fails it too, and is logged."""
    job = _take(engine)
    if job is None:
        return None
    try:
        source = _source(job)
        _set(engine, job.id, step="extracting")
        extraction = extractor(source)
        _set(engine, job.id, step="storing")
        result = store_extraction(engine, source, extraction, actor=job.actor)
        merge_programs_of(engine, result.source_id)
    except InputError as exc:
        _set(engine, job.id, status="failed", step="done", error=str(exc), payload=None)
    except DataError as exc:
        _set(engine, job.id, status="failed", step="done", error=f"not stored ({str(exc.orig).splitlines()[0]})",
             payload=None)
    except Exception as exc:  # noqa: BLE001 - the worker outlives any one job; the job says what happened
        log.exception("ingest job %s failed", job.id)
        _set(engine, job.id, status="failed", step="done", error=f"internal error ({type(exc).__name__})", payload=None)
    else:
        _set(engine, job.id, status="done", step="done", source_id=result.source_id, outcome=result.status,
             claims=result.claims, payload=None)
    return job.id


def work(target: Engine | str, stop=None) -> None:
    """The worker's loop (a process of its own given the register's URL, or a thread given the engine
    of an in-memory register): load the model once, then take jobs until `stop` (an Event) is set."""
    from counterwatch.extract import Extractor
    from counterwatch.store.db import connect

    engine = connect(target) if isinstance(target, str) else target
    requeue_running(engine)
    extractor = Extractor()
    while stop is None or not stop.is_set():
        if run_one(engine, extractor) is None:
            time.sleep(POLL_S)
