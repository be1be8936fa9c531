"""REST API: everything the pages show, as JSON (OpenAPI docs at /docs)."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from counterwatch.ingest.errors import InputError
from counterwatch.limits import LIMITS
from counterwatch.query import listing, records, visual
from counterwatch.query.search import search as run_search
from counterwatch.query.viewer import Viewer
from counterwatch.store import jobs
from counterwatch.store.review import ReviewError, history, proposed, review
from counterwatch.web.deps import Offset, PageSize, RecordId, bounded_int, engine
from counterwatch.web.jobs import queue_input
from counterwatch.web.session import check_csrf, check_csrf_header, require, viewer

router = APIRouter(tags=["register"])


class ReviewIn(BaseModel):
    action: str
    reason: str | None = None
    value: str | None = None


@router.get("/stats")
def get_stats(db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    return records.register_stats(db, who)


@router.get("/search")
def get_search(q: str, country: str | None = None, technology: str | None = None, certainty: str | None = None,
               status: str | None = None, year: int | None = None, actor: str | None = None, limit: PageSize = 20,
               db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> list[dict]:
    return [h.as_dict() for h in run_search(db, who, q, limit=limit, country=country, technology=technology,
                                            certainty=certainty, status=status, year=year, actor=actor)]


@router.get("/deployments")
def get_deployments(limit: int = bounded_int(50, 500), db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> list[dict]:
    return listing.latest_deployments(db, who, limit)


ClaimsPerValue = Annotated[int, Query(ge=1, le=LIMITS.claims_per_value_max,
                                      description="claims listed under each value (the rest are counted)")]


def _record(db: Engine, who: Viewer, record_type: str, record_id: int, claims: int) -> JSONResponse:
    """The record as JSON as it is: it holds only JSON types, and FastAPI's encoder took 40 ms of a
    100k register's largest program page (660 kB) walking it."""
    record = records.show(db, who, record_type, record_id, per_value=claims)
    if record is None:
        raise HTTPException(404, f"no {record_type} {record_id}")
    return JSONResponse(record)


@router.get("/deployments/{record_id}")
def get_deployment(record_id: RecordId, claims: ClaimsPerValue = records.CLAIMS_PER_VALUE,
                   db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> JSONResponse:
    """A deployment: each field with the claims (quote, source, certainty) behind it; conflicts flagged."""
    return _record(db, who, "deployment", record_id, claims)


@router.get("/entities/{record_id}")
def get_entity(record_id: RecordId, claims: ClaimsPerValue = records.CLAIMS_PER_VALUE,
               db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> JSONResponse:
    return _record(db, who, "entity", record_id, claims)


def _value_claims(db: Engine, who: Viewer, record_type: str, record_id: int, field: str, value: str, offset: int,
                  limit: int) -> dict:
    found = records.value_claims(db, who, record_type, record_id, field, value, offset, limit)
    if found is None:
        raise HTTPException(404, f"no claim of {field} {value!r} on {record_type} {record_id}")
    return found


@router.get("/deployments/{record_id}/claims")
def get_deployment_claims(record_id: RecordId, field: str, value: str, offset: Offset = 0, limit: ClaimsPerValue = 100,
                          db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    """The claims of one value of a deployment from `offset`, with claims_total: the rest of the few its
    record lists."""
    return _value_claims(db, who, "deployment", record_id, field, value, offset, limit)


@router.get("/entities/{record_id}/claims")
def get_entity_claims(record_id: RecordId, field: str, value: str, offset: Offset = 0, limit: ClaimsPerValue = 100,
                      db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    """The claims of one value of an entity from `offset`, with claims_total."""
    return _value_claims(db, who, "entity", record_id, field, value, offset, limit)


def _deployment_or_404(found: dict | None, record_id: int) -> dict:
    if found is None:
        raise HTTPException(404, f"no deployment {record_id}")
    return found


@router.get("/deployments/{record_id}/sources")
def get_program_sources(record_id: RecordId, offset: Offset = 0, limit: int = bounded_int(50, 500),
                        db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    """A program's sources from `offset` (oldest dated first), with sources_total."""
    return _deployment_or_404(records.program_sources(db, who, record_id, offset, limit), record_id)


@router.get("/deployments/{record_id}/members")
def get_program_members(record_id: RecordId, offset: Offset = 0, limit: int = bounded_int(50, 500),
                        db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    """The stored deployments a program stands for from `offset` (the live one first), with members_total."""
    return _deployment_or_404(records.program_members(db, who, record_id, offset, limit), record_id)


@router.get("/sources/{source_id}")
def get_source(source_id: RecordId, db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    src = listing.source_with_claims(db, who, source_id)
    if src is None:
        raise HTTPException(404, f"no source {source_id}")
    return src


@router.post("/claims/{claim_id}/review", dependencies=[Depends(check_csrf_header)])
def post_review(claim_id: RecordId, body: ReviewIn, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """Accept, edit or reject a claim (editor token: `Authorization: Bearer ...`)."""
    try:
        review(db, claim_id, body.action, user[0], reason=body.reason, value=body.value)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"claim_id": claim_id, "history": history(db, claim_id)}


@router.get("/queue")
def get_queue(order: str = "source", limit: int = bounded_int(100, 1000), source_id: int | None = None,
              field: str | None = None, certainty: str | None = None,
              min_confidence: float | None = Query(None, ge=0, le=1), max_confidence: float | None = Query(None, ge=0, le=1),
              db: Engine = Depends(engine), user=Depends(require("editor"))) -> list[dict]:
    """Proposed claims to review (editors only), narrowed by source, field, certainty and the model's
    confidence; order=uncertainty puts the model's least sure first."""
    try:
        return proposed(db, limit=limit, order=order, source_id=source_id, field=field, certainty=certainty,
                        min_confidence=min_confidence, max_confidence=max_confidence)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/claims/{claim_id}/history")
def get_history(claim_id: RecordId, db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> list[dict]:
    """Review steps of a claim you may see (the public: what was decided and when)."""
    steps = records.claim_history(db, who, claim_id)
    if steps is None:
        raise HTTPException(404, f"no claim {claim_id}")
    return steps


@router.get("/map")
def get_map(technology: str | None = None, certainty: str | None = None, db: Engine = Depends(engine),
            who: Viewer = Depends(viewer)) -> list[dict]:
    """Deployments by country, with the ISO numeric id that world-atlas shapes carry."""
    return visual.map_data(db, who, technology=technology, certainty=certainty)


@router.get("/map/points")
def get_map_points(technology: str | None = None, certainty: str | None = None, db: Engine = Depends(engine),
                   who: Viewer = Depends(viewer)) -> list[dict]:
    """A point per deployment with a place the gazetteer locates: coordinates, certainty, record address."""
    return visual.map_points(db, who, technology=technology, certainty=certainty)


@router.get("/network")
def get_network(technology: str | None = None, country: str | None = None, certainty: str | None = None,
                db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> dict:
    """Actors and deployments as nodes; relations, operates and supplies as cited edges."""
    return visual.network_data(db, who, technology=technology, country=country, certainty=certainty)


@router.get("/timeline")
def get_timeline(db: Engine = Depends(engine), who: Viewer = Depends(viewer)) -> list[dict]:
    """Each program's dated events (start, contract, suspension, end, denial) from its claims."""
    return visual.timeline_data(db, who)


@router.get("/path")
def get_path(start: str, goal: str, k: int = bounded_int(3, 20), max_hops: int = bounded_int(6, 12),
             include_proposed: bool = False, include_denied: bool = False, db: Engine = Depends(engine),
             who: Viewer = Depends(viewer)) -> dict:
    """How close is START to GOAL: the k best paths, every hop a cited claim. 409 lists ambiguous names.
    include_proposed uses unreviewed claims too, for those who may see them (it never widens a view)."""
    from counterwatch.query.paths import AmbiguousName, UnknownName, between

    try:
        return between(db, who.narrow(include_proposed), start, goal, k=k, max_hops=max_hops,
                       include_denied=include_denied)
    except AmbiguousName as exc:
        raise HTTPException(409, {"error": str(exc), "candidates": exc.candidates}) from None
    except UnknownName as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/audit")
def get_audit(limit: int = bounded_int(200, 5000), db: Engine = Depends(engine), user=Depends(require("admin"))) -> list[dict]:
    """The append-only audit log, newest first (admins only)."""
    from counterwatch.store.audit import entries

    return entries(db, limit)


@router.post("/entities/{entity_id}/protected", dependencies=[Depends(check_csrf_header)])
def post_protected(entity_id: RecordId, protected: bool | None = None, db: Engine = Depends(engine),
                   user=Depends(require("editor"))) -> dict:
    """Protect a person (true), allow naming (false) or follow the suggestion (omit)."""
    from counterwatch.store.accounts import AccountError, set_protected

    try:
        set_protected(db, entity_id, protected, user[0])
    except AccountError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"entity_id": entity_id, "protected": protected}


@router.get("/tokens")
def get_tokens(db: Engine = Depends(engine), user=Depends(require("viewer"))) -> list[dict]:
    """Your API tokens (ids and creation dates)."""
    from counterwatch.store.accounts import tokens

    return tokens(db, user[0])


@router.delete("/tokens/{token_id}", dependencies=[Depends(check_csrf_header)])
def delete_token(token_id: int, db: Engine = Depends(engine), user=Depends(require("viewer"))) -> dict:
    """Revoke one API token: your own, or anyone's as an admin."""
    from counterwatch.store.accounts import AccountError, allows, revoke_token

    try:
        revoke_token(db, token_id, user[0], owner=None if allows(user[1], "admin") else user[0])
    except AccountError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"revoked": token_id}


@router.post("/sources", status_code=202, dependencies=[Depends(check_csrf)])
async def post_source(request: Request, response: Response, url: str = Form(""), text: str = Form(""),
                      title: str = Form(""), file: UploadFile | None = None,
                      wait: float = Form(0, ge=0, le=LIMITS.job_wait_s), user=Depends(require("editor")),
                      editor_view: Viewer = Depends(viewer)) -> dict:
    """Add a source (a file, a URL or text; editor token, or session and CSRF): answered at once (202)
    with a job to poll at /api/jobs/{id}, while the server's worker extracts and stores it. With
    `wait` (seconds), the answer waits that long for the job: 200 with the job as /api/jobs/{id} gives
    it (the stored source's id and claims, or why it failed) once finished, else 202 to poll on."""
    try:
        job_id = await queue_input(request.app, user[0], url, text, title, file)
    except InputError as exc:
        raise HTTPException(400, str(exc)) from None
    db = request.app.state.engine
    deadline = time.monotonic() + wait
    while wait:
        job = await run_in_threadpool(_job, db, job_id, editor_view)
        if job["status"] in ("done", "failed"):
            response.status_code = 200
            return job
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(jobs.POLL_S)
    return {"job_id": job_id, "status": "queued", "poll": f"/api/jobs/{job_id}"}


def _job(db: Engine, job_id: int, editor_view: Viewer) -> dict | None:
    job = jobs.get(db, job_id)
    if job is not None and job["status"] == "done" and job["source_id"] is not None:
        job["source_claims"] = (listing.source_with_claims(db, editor_view, job["source_id"]) or {}).get("claims", [])
    return job


@router.get("/jobs/{job_id}")
def get_job(job_id: RecordId, db: Engine = Depends(engine), user=Depends(require("editor")),
            editor_view: Viewer = Depends(viewer)) -> dict:
    """A job's status and step; once done, the stored source's id and its claims."""
    job = _job(db, job_id, editor_view)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job


@router.get("/jobs")
def get_jobs(limit: int = bounded_int(50, 500), db: Engine = Depends(engine), user=Depends(require("editor"))) -> list[dict]:
    """The latest jobs, newest first, with their outcome or the reason they failed."""
    return jobs.recent(db, limit)
