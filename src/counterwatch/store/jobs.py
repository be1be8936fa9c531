"""Ingest jobs as a queue in the register: the web and the API queue a source here and answer at once;
the worker (pipeline/worker.py) takes each in turn. The job rows are the queue: progress and failures
survive a restart, and a job left running by a crashed worker is queued again when the next worker starts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from counterwatch.store import schema as t

KINDS = ("url", "text", "file")
POLL_S = 0.3  # how often the worker, or a request waiting for its job, looks at the queue


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


def take(engine: Engine) -> t.IngestJob | None:
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


def mark(engine: Engine, job_id: int, **values: Any) -> None:
    """Record a job's progress or outcome."""
    with Session(engine) as session, session.begin():
        session.execute(update(t.IngestJob).where(t.IngestJob.id == job_id).values(**values))
