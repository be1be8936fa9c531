"""Entity editing and resolution for editors: correct an entity, judge the candidate duplicates that
store/resolution.py finds (merge, keep apart, unsure) and split a merge. Pages post forms with the
CSRF field; the API takes JSON (token, or the X-CSRF-Token header)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy import Engine

from counterwatch.query import records
from counterwatch.query.viewer import STAFF
from counterwatch.store.editing import vocabulary
from counterwatch.store.entities import EntityError, edit, merges, split
from counterwatch.store.resolution import JUDGEMENTS, candidates, judge
from counterwatch.web.deps import RecordId, bounded_int, engine
from counterwatch.web.render import page
from counterwatch.web.session import check_csrf, check_csrf_header, require

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["entities"])


class EntityIn(BaseModel):
    name: str | None = None
    type: str | None = None
    aliases: list[str] | None = None
    country: str | None = None


class JudgementIn(BaseModel):
    left_id: int
    right_id: int
    judgement: str  # positive (merge) | negative (keep apart) | unsure
    score: float | None = None


def _candidates(db: Engine, limit: int) -> list[dict]:
    return [c.__dict__ for c in candidates(db)[:limit]]


def _judge(db: Engine, body: JudgementIn, editor: str) -> None:
    if body.judgement not in JUDGEMENTS:
        raise HTTPException(400, f"judgement must be one of {', '.join(JUDGEMENTS)}")
    if body.left_id == body.right_id or records.names_of(db, body.left_id) == [] or records.names_of(db, body.right_id) == []:
        raise HTTPException(400, "judge two different existing entities")
    judge(db, body.left_id, body.right_id, body.judgement, editor, body.score)


@api.patch("/entities/{entity_id}", dependencies=[Depends(check_csrf_header)])
def patch_entity(entity_id: RecordId, body: EntityIn, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """Change an entity's name (the old one stays an alias), type, aliases or country ("" clears it)."""
    try:
        return edit(db, entity_id, user[0], name=body.name, entity_type=body.type, aliases=body.aliases,
                    country=body.country)
    except EntityError as exc:
        raise HTTPException(400, str(exc)) from None


@api.get("/resolution/candidates")
def get_candidates(limit: int = bounded_int(100, 1000), db: Engine = Depends(engine),
                   user=Depends(require("editor"))) -> list[dict]:
    """Unjudged pairs that may be one entity, best first, each with its score and the reason."""
    return _candidates(db, limit)


@api.post("/resolution/judge", dependencies=[Depends(check_csrf_header)])
def post_judgement(body: JudgementIn, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """positive merges the pair, negative keeps it apart for good, unsure sets it aside."""
    _judge(db, body, user[0])
    return body.model_dump()


@api.post("/entities/{entity_id}/split", dependencies=[Depends(check_csrf_header)])
def post_split(entity_id: RecordId, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """Undo the merge of this entity into another; the pair is then kept apart."""
    try:
        return split(db, entity_id, user[0])
    except EntityError as exc:
        raise HTTPException(400, str(exc)) from None


@pages.get("/entities/{entity_id}/edit", response_class=HTMLResponse)
def editpage(request: Request, entity_id: RecordId, db: Engine = Depends(engine), user=Depends(require("editor"))):
    entity = records.show(db, STAFF, "entity", entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id}")
    return page(request, "entity_edit.html", entity=entity, vocab=vocabulary())


@pages.post("/entities/{entity_id}/edit", dependencies=[Depends(check_csrf)])
def edit_form(entity_id: RecordId, name: str = Form(...), entity_type: str = Form(...), aliases: str = Form(""),
              country: str = Form(""), db: Engine = Depends(engine), user=Depends(require("editor"))):
    try:
        edit(db, entity_id, user[0], name=name, entity_type=entity_type, country=country,
             aliases=[a for a in aliases.splitlines() if a.strip()])
    except EntityError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/entities/{entity_id}", status_code=303)


@pages.get("/resolve", response_class=HTMLResponse)
def resolvepage(request: Request, db: Engine = Depends(engine), user=Depends(require("editor"))):
    return page(request, "resolve.html", candidates=_candidates(db, 100), merged=merges(db)[:100])


@pages.post("/resolve/judge", dependencies=[Depends(check_csrf)])
def judge_form(left_id: int = Form(...), right_id: int = Form(...), judgement: str = Form(...),
               score: float | None = Form(None), db: Engine = Depends(engine), user=Depends(require("editor"))):
    _judge(db, JudgementIn(left_id=left_id, right_id=right_id, judgement=judgement, score=score), user[0])
    return RedirectResponse("/resolve", status_code=303)


@pages.post("/resolve/split", dependencies=[Depends(check_csrf)])
def split_form(entity_id: int = Form(...), db: Engine = Depends(engine), user=Depends(require("editor"))):
    try:
        split(db, entity_id, user[0])
    except EntityError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse("/resolve", status_code=303)
