"""Review: editors accept, edit or reject proposed claims; every action is kept as a revision.

These functions are the one implementation the CLI, web UI and API call.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from counterwatch.store import audit, facets
from counterwatch.store import schema as t
from counterwatch.store.survivors import ENTITY_FIELDS, deployment_group, entity_named
from counterwatch.store.writer import source_titles

ACTIONS = {"accept": "accepted", "reject": "rejected", "edit": "accepted"}


class ReviewError(ValueError):
    """A review action that cannot be applied (unknown claim, missing reason or value)."""


def review(engine: Engine, claim_id: int, action: str, editor: str, reason: str | None = None,
           value: str | None = None) -> t.Revision:
    """Apply `action` to a claim in one transaction and return the revision that records it."""
    if action not in ACTIONS:
        raise ReviewError(f"unknown action {action!r} (accept, reject or edit)")
    if action == "reject" and not reason:
        raise ReviewError("a rejection needs a reason")
    if action == "edit" and not value:
        raise ReviewError("an edit needs the new value")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        claim = session.get(t.Claim, claim_id)
        if claim is None:
            raise ReviewError(f"no claim {claim_id}")
        rev = _apply(session, claim, action, editor, reason, value)
    return rev


def _apply(session: Session, claim: t.Claim, action: str, editor: str, reason: str | None,
           value: str | None = None) -> t.Revision:
    """One review step inside the caller's transaction: the revision, the facets, the audit entry."""
    rev = t.Revision(claim_id=claim.id, editor=editor, action=action, before_status=claim.status,
                     after_status=ACTIONS[action], before_value=claim.value,
                     after_value=value if action == "edit" else claim.value, reason=reason)
    claim.status, claim.value = rev.after_status, rev.after_value
    if claim.record_type == "deployment" and claim.field in ENTITY_FIELDS and rev.before_value != rev.after_value:
        claim.entity_id = entity_named(session, claim.value)  # the corrected name names another actor
    session.add(rev)
    if claim.record_type == "deployment" and claim.field in facets.FIELDS and rev.before_value != rev.after_value:
        session.flush()
        facets.refresh(session, [claim.record_id])
    audit.record(session, editor, f"claim.{action}", f"claim:{claim.id}",
                 before={"status": rev.before_status, "value": rev.before_value},
                 after={"status": rev.after_status, "value": rev.after_value, "reason": reason})
    return rev


def review_all(engine: Engine, action: str, editor: str, reason: str | None = None, *, source_id: int | None = None,
               record_type: str | None = None, record_id: int | None = None, field: str | None = None) -> list[int]:
    """Accept or reject every proposed claim of a source, a record or a field (of a record, or of a source),
    in one transaction, each with its own revision and audit entry; returns the claims' ids."""
    if action not in ("accept", "reject"):
        raise ReviewError(f"bulk review accepts or rejects, not {action!r}")
    if action == "reject" and not reason:
        raise ReviewError("a rejection needs a reason")
    if source_id is None and (record_type is None or record_id is None):
        raise ReviewError("name a source, or a record (record_type and record_id)")
    where = [t.Claim.status == "proposed"]
    if source_id is not None:
        where.append(t.Claim.source_id == source_id)
    if field:
        where.append(t.Claim.field == field)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if record_type is not None and record_id is not None:  # a program's record: the claims of every merged source
            members = deployment_group(session, record_id)[1] if record_type == "deployment" else [record_id]
            where += [t.Claim.record_type == record_type, t.Claim.record_id.in_(members)]
        claims = session.scalars(select(t.Claim).where(*where).order_by(t.Claim.id)).all()
        for claim in claims:
            _apply(session, claim, action, editor, reason)
        return [c.id for c in claims]


def history(engine: Engine, claim_id: int) -> list[dict]:
    with Session(engine) as session:
        revs = session.scalars(select(t.Revision).where(t.Revision.claim_id == claim_id).order_by(t.Revision.id))
        return [{"editor": r.editor, "action": r.action, "before": {"status": r.before_status, "value": r.before_value},
                 "after": {"status": r.after_status, "value": r.after_value}, "reason": r.reason,
                 "at": r.at.isoformat()} for r in revs]


ORDERS = ("source", "uncertainty")


def proposed(engine: Engine, limit: int = 1000, order: str = "source", *, source_id: int | None = None,
             field: str | None = None, certainty: str | None = None, min_confidence: float | None = None,
             max_confidence: float | None = None) -> list[dict]:
    """The review queue: proposed claims with the record they belong to and their source, narrowed
    by source, field, certainty and the model's confidence (a bound leaves out claims no model scored).

    order="uncertainty" puts first the claims whose model probability is nearest 0.5 (what an
    editor's answer teaches the next training most), then the claims no model scored."""
    if order not in ORDERS:
        raise ReviewError(f"unknown order {order!r}: one of {', '.join(ORDERS)}")
    by_source = (t.Claim.source_id, t.Claim.record_type, t.Claim.record_id, t.Claim.id)
    keys = by_source if order == "source" else (
        t.Claim.confidence.is_(None), func.abs(t.Claim.confidence - 0.5), *by_source)
    with Session(engine) as session:
        where = [t.Claim.status == "proposed"]
        for column, wanted in ((t.Claim.source_id, source_id), (t.Claim.field, field), (t.Claim.certainty, certainty)):
            if wanted is not None:
                where.append(column == wanted)
        if min_confidence is not None:
            where.append(t.Claim.confidence >= min_confidence)
        if max_confidence is not None:
            where.append(t.Claim.confidence <= max_confidence)
        claims = session.scalars(select(t.Claim).where(*where).order_by(*keys).limit(limit)).all()
        titles = source_titles(session, (c.source_id for c in claims))
        out = []
        for c in claims:
            table = {"deployment": t.Deployment, "entity": t.Entity}.get(c.record_type)
            record = session.get(table, c.record_id) if table else None
            out.append({"id": c.id, "record_type": c.record_type, "record_id": c.record_id,
                        "record_name": record.name if record else c.value, "field": c.field, "value": c.value,
                        "certainty": c.certainty, "confidence": c.confidence, "quote": c.quote, "start": c.start, "end": c.end,
                        "source_id": c.source_id, "source_title": titles.get(c.source_id)})
        return out
