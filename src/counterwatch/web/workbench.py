"""The editor's workbench: claims made by hand from a selected quote, review in bulk and by keyboard.
Pages post forms (CSRF field); the same actions are JSON routes under /api (token, or CSRF header)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from counterwatch.limits import LIMITS
from counterwatch.store.editing import EditError, add_claim, vocabulary
from counterwatch.store.review import ReviewError, proposed, review_all
from counterwatch.web.deps import RecordId, engine
from counterwatch.web.render import page
from counterwatch.web.session import check_csrf, check_csrf_header, require

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["workbench"])


class ClaimIn(BaseModel):
    """A claim quoting source[start:end] (offsets in code points of the stored text)."""
    start: int
    end: int
    quote: str
    certainty: str
    kind: str  # deployment | entity | relation
    field: str | None = None
    value: str | None = None
    deployment_id: int | None = None
    deployment_name: str | None = None
    entity_type: str | None = None
    subject_id: int | None = None
    predicate: str | None = None
    object_id: int | None = None


class BulkIn(BaseModel):
    """Accept or reject every proposed claim of a source, or of a record, optionally of one field."""
    action: str
    reason: str | None = None
    source_id: int | None = None
    record_type: str | None = None
    record_id: int | None = None
    field: str | None = None


def _back(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() and int(text) <= LIMITS.record_id_max else None


@api.get("/vocabulary")
def get_vocabulary() -> dict:
    """Fields, entity types, predicates and certainty levels a hand-made claim chooses from."""
    return vocabulary()


@api.post("/sources/{source_id}/claims", status_code=201, dependencies=[Depends(check_csrf_header)])
def post_claim(source_id: RecordId, body: ClaimIn, db=Depends(engine), user=Depends(require("editor"))) -> dict:
    """Make a claim by hand: the quote must equal the stored text at its offsets; it is accepted, marked
    as made by you, and kept in the review history and the audit log."""
    try:
        return add_claim(db, user[0], source_id, **body.model_dump())
    except EditError as exc:
        raise HTTPException(400, str(exc)) from None


@api.post("/claims/bulk", dependencies=[Depends(check_csrf_header)])
def post_bulk(body: BulkIn, db=Depends(engine), user=Depends(require("editor"))) -> dict:
    """Accept or reject all proposed claims of a source, a record or a field, each with its revision."""
    try:
        done = review_all(db, body.action, user[0], body.reason, source_id=body.source_id,
                          record_type=body.record_type, record_id=body.record_id, field=body.field)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"action": body.action, "claims": done, "count": len(done)}


@pages.post("/sources/{source_id}/claims", dependencies=[Depends(check_csrf)])
def claim_form(source_id: RecordId, start: int = Form(...), end: int = Form(...), quote: str = Form(...),
               certainty: str = Form(...), kind: str = Form(...), field: str = Form(""), value: str = Form(""),
               deployment_id: str = Form(""), deployment_name: str = Form(""), entity_type: str = Form(""),
               subject_id: str = Form(""), predicate: str = Form(""), object_id: str = Form(""),
               db=Depends(engine), user=Depends(require("editor"))):
    try:
        made = add_claim(db, user[0], source_id, start, end, quote, certainty, kind, field=field or None,
                         value=value or None, deployment_id=_int(deployment_id), deployment_name=deployment_name,
                         entity_type=entity_type or None, subject_id=_int(subject_id), predicate=predicate or None,
                         object_id=_int(object_id))
    except EditError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/sources/{source_id}#row-{made['claim_id']}", status_code=303)


@pages.post("/review-all", dependencies=[Depends(check_csrf)])
def bulk_form(action: str = Form(...), reason: str = Form(""), source_id: str = Form(""), record_type: str = Form(""),
              record_id: str = Form(""), field: str = Form(""), back: str = Form("/"), db=Depends(engine),
              user=Depends(require("editor"))):
    try:
        review_all(db, action, user[0], reason or None, source_id=_int(source_id), record_type=record_type or None,
                   record_id=_int(record_id), field=field or None)
    except ReviewError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(_back(back), status_code=303)


@pages.get("/review", response_class=HTMLResponse)
def queuepage(request: Request, source: str = "", field: str = "", certainty: str = "", min_confidence: str = "",
               max_confidence: str = "", order: str = "source", db=Depends(engine), user=Depends(require("editor"))):
    """The review queue, narrowed by the filters, walked with j/k and decided with a/r/e (static/review.js)."""
    chosen = {"source": source, "field": field, "certainty": certainty, "min_confidence": min_confidence,
              "max_confidence": max_confidence, "order": order}
    try:
        claims = proposed(db, limit=200, order=order, source_id=_int(source), field=field or None,
                          certainty=certainty or None, min_confidence=_fraction(min_confidence),
                          max_confidence=_fraction(max_confidence))
    except (ReviewError, ValueError) as exc:
        raise HTTPException(400, str(exc)) from None
    return page(request, "review.html", claims=claims, chosen=chosen, vocab=vocabulary())


def _fraction(text: str) -> float | None:
    """A confidence bound from a form (blank: none); a bound outside 0..1 is a clear 400."""
    if not text.strip():
        return None
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError("a confidence bound is between 0 and 1")
    return value
