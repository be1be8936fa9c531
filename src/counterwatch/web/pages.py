"""Server-rendered pages. Jinja2 escapes everything: no text from a source is ever markup."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Engine

from counterwatch.ingest.errors import InputError
from counterwatch.query import listing, records
from counterwatch.query.search import QueryError, search as run_search
from counterwatch.query.viewer import Viewer
from counterwatch.query.workbench import source_records
from counterwatch.store import jobs
from counterwatch.store.editing import vocabulary
from counterwatch.store.review import ReviewError, review
from counterwatch.web.deps import Offset, RecordId, engine
from counterwatch.web.jobs import queue_input
from counterwatch.web.render import page
from counterwatch.web.session import check_csrf, current_user, require, viewer

router = APIRouter(include_in_schema=False)
FACETS = ("country", "technology", "certainty", "status", "year", "actor")
PAGE = 100  # claims or sources per page of what a record lists the first of


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    return page(request, "home.html", stats=records.register_stats(db, who), latest=listing.latest_deployments(db, who, 15),
                 queue=None if who.public else listing.queue_size(db))


@router.get("/search", response_class=HTMLResponse)
def searchpage(request: Request, q: str = "", country: str = "", technology: str = "", certainty: str = "",
                status: str = "", year: str = "", actor: str = "", db: Engine = Depends(engine),
                who: Viewer = Depends(viewer)):
    chosen = {"country": country, "technology": technology, "certainty": certainty, "status": status,
              "year": year, "actor": actor}
    filters = {k: v for k, v in chosen.items() if v}
    if "year" in filters:
        filters["year"] = int(filters["year"]) if filters["year"].isdigit() else None
    try:
        hits = run_search(db, who, q, limit=50, **filters) if q else []
    except QueryError as exc:
        return page(request, "search.html", status_code=400, q=q, hits=[], chosen=chosen, error=str(exc))
    return page(request, "search.html", q=q, hits=hits, chosen=chosen, error=None)


@router.get("/deployments/{record_id}", response_class=HTMLResponse)
def deploymentpage(request: Request, record_id: RecordId, db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    record = records.show(db, who, "deployment", record_id)
    if record is None:
        raise HTTPException(404, f"no deployment {record_id}")
    if record["id"] != record_id:  # merged into another: one program, one address
        return RedirectResponse(f"/deployments/{record['id']}", status_code=303)
    return page(request, "record.html", record=record)


@router.get("/entities/{record_id}", response_class=HTMLResponse)
def entitypage(request: Request, record_id: RecordId, db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    record = records.show(db, who, "entity", record_id)
    if record is None:
        raise HTTPException(404, f"no entity {record_id}")
    return page(request, "record.html", record=record, roles=listing.entity_roles(db, who, record_id),
                 relations=listing.entity_relations(db, who, record_id))


def _pager(request: Request, offset: int, shown: int, total: int) -> dict:
    """Links to the previous and next page of a record's claims or sources (same query, other offset)."""
    def at(n: int) -> str:
        url = request.url.include_query_params(offset=n)
        return f"{url.path}?{url.query}"
    return {"prev_url": at(max(0, offset - PAGE)) if offset else None,
            "next_url": at(offset + shown) if offset + shown < total else None}


def _value_page(request: Request, db: Engine, who: Viewer, record_type: str, record_id: int, field: str, value: str,
                offset: int):
    part = records.value_claims(db, who, record_type, record_id, field, value, offset, PAGE)
    if part is None:
        raise HTTPException(404, f"no claim of {field} {value!r} on {record_type} {record_id}")
    return page(request, "claims.html", part=part, **_pager(request, offset, len(part["claims"]), part["claims_total"]))


@router.get("/deployments/{record_id}/claims", response_class=HTMLResponse)
def deployment_value_page(request: Request, record_id: RecordId, field: str, value: str, offset: Offset = 0,
                          db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    return _value_page(request, db, who, "deployment", record_id, field, value, offset)


@router.get("/entities/{record_id}/claims", response_class=HTMLResponse)
def entity_value_page(request: Request, record_id: RecordId, field: str, value: str, offset: Offset = 0,
                      db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    return _value_page(request, db, who, "entity", record_id, field, value, offset)


@router.get("/deployments/{record_id}/sources", response_class=HTMLResponse)
def program_sources_page(request: Request, record_id: RecordId, offset: Offset = 0, db: Engine = Depends(engine),
                         who: Viewer = Depends(viewer)):
    part = records.program_sources(db, who, record_id, offset, PAGE)
    if part is None:
        raise HTTPException(404, f"no deployment {record_id}")
    return page(request, "sources.html", part=part, **_pager(request, offset, len(part["sources"]), part["sources_total"]))


@router.get("/sources/{source_id}", response_class=HTMLResponse)
def sourcepage(request: Request, source_id: RecordId, db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    src = listing.source_with_claims(db, who, source_id)
    if src is None:
        raise HTTPException(404, f"no source {source_id}")
    user = current_user(request)
    editing = bool(user) and user[1] in ("editor", "admin")  # only they make claims: names unredacted
    return page(request, "source.html", src=src, choices=source_records(db, source_id) if editing else None,
                 vocab=vocabulary())


@router.post("/claims/{claim_id}/review", dependencies=[Depends(check_csrf)])
def review_form(claim_id: RecordId, action: str = Form(...), reason: str = Form(""), value: str = Form(""),
                back: str = Form("/"), db: Engine = Depends(engine), user=Depends(require("editor"))):
    try:
        review(db, claim_id, action, user[0], reason=reason or None, value=value or None)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from None
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    return RedirectResponse(f"{target}#claim-{claim_id}", status_code=303)


@router.get("/claims/{claim_id}/history", response_class=HTMLResponse)
def historypage(request: Request, claim_id: RecordId, db: Engine = Depends(engine), who: Viewer = Depends(viewer)):
    steps = records.claim_history(db, who, claim_id)
    if steps is None:
        raise HTTPException(404, f"no claim {claim_id}")
    return page(request, "history.html", claim_id=claim_id, steps=steps)


@router.get("/map", response_class=HTMLResponse)
def mappage(request: Request):
    return page(request, "visual.html", title="Map of deployments", view="map")


@router.get("/network", response_class=HTMLResponse)
def networkpage(request: Request):
    return page(request, "visual.html", title="Network of actors and deployments", view="network")


@router.get("/timeline", response_class=HTMLResponse)
def timelinepage(request: Request):
    return page(request, "visual.html", title="Timeline", view="timeline")


@router.get("/path", response_class=HTMLResponse)
def pathpage(request: Request, start: str = "", goal: str = "", proposed: str = "", db: Engine = Depends(engine),
              who: Viewer = Depends(viewer)):
    from counterwatch.query.paths import AmbiguousName, UnknownName, between

    found, error = [], None
    if start and goal:
        try:
            found = between(db, who.narrow(include_proposed=bool(proposed)), start, goal)["paths"]
        except (AmbiguousName, UnknownName) as exc:
            error = str(exc)
    return page(request, "path.html", start=start, goal=goal, proposed=proposed, found=found, error=error)


@router.get("/add", response_class=HTMLResponse, dependencies=[Depends(require("editor"))])
def add_form(request: Request):
    return page(request, "add.html", error=None)


@router.post("/add", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def add_source(request: Request, url: str = Form(""), text: str = Form(""), title: str = Form(""),
                     file: UploadFile | None = None, user=Depends(require("editor"))):
    """Queue the source for the extraction worker and show its job: the request never extracts."""
    try:
        job_id = await queue_input(request.app, user[0], url, text, title, file)
    except InputError as exc:
        return page(request, "add.html", error=str(exc))
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def jobpage(request: Request, job_id: RecordId, db: Engine = Depends(engine), user=Depends(require("editor"))):
    """The job's progress, reloading itself until done; a stored source is then shown."""
    job = jobs.get(db, job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    if job["status"] == "done":
        return RedirectResponse(f"/sources/{job['source_id']}", status_code=303)
    return page(request, "job.html", job=job)
