"""Deployment resolution over the API, for editors: candidate pairs with their reasons, judgements
(a positive one merges two deployments into one record), the merges made, and split (undo). JSON in
and out (token, or session and the X-CSRF-Token header), like entity resolution in web/entities.py."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import Engine

from counterwatch.store.deployment_resolution import DeploymentError, candidates, judge, merges, split
from counterwatch.web.deps import RecordId, bounded_int, engine
from counterwatch.web.session import check_csrf_header, require

api = APIRouter(tags=["programs"])


class PairIn(BaseModel):
    left_id: int
    right_id: int


class JudgementIn(PairIn):
    judgement: str  # positive (merge) | negative (keep apart) | unsure
    score: float | None = None


def _judge(db: Engine, body: PairIn, judgement: str, editor: str, score: float | None = None) -> dict:
    try:
        return judge(db, body.left_id, body.right_id, judgement, editor, score)
    except DeploymentError as exc:
        raise HTTPException(400, str(exc)) from None


@api.get("/programs/candidates")
def get_candidates(limit: int = bounded_int(100, 1000), db: Engine = Depends(engine),
                   user=Depends(require("editor"))) -> list[dict]:
    """Unjudged pairs of deployments that may be one program, best first, each with score and reasons."""
    return [c.as_dict() for c in candidates(db)[:limit]]


@api.post("/programs/judge", dependencies=[Depends(check_csrf_header)])
def post_judgement(body: JudgementIn, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """positive merges the pair into one record, negative keeps it apart for good, unsure sets it aside."""
    return _judge(db, body, body.judgement, user[0], body.score)


@api.post("/programs/merge", dependencies=[Depends(check_csrf_header)])
def post_merge(body: PairIn, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """Merge two deployments into one record (a positive judgement)."""
    return _judge(db, body, "positive", user[0])


@api.get("/programs/merges")
def get_merges(db: Engine = Depends(engine), user=Depends(require("editor"))) -> list[dict]:
    """Deployments merged into another, newest first: what can be split."""
    return merges(db)


@api.post("/deployments/{deployment_id}/split", dependencies=[Depends(check_csrf_header)])
def post_split(deployment_id: RecordId, db: Engine = Depends(engine), user=Depends(require("editor"))) -> dict:
    """Undo the merge of this deployment into another; the pair is then kept apart."""
    try:
        return split(db, deployment_id, user[0])
    except DeploymentError as exc:
        raise HTTPException(400, str(exc)) from None
