"""Lists for pages and API: latest deployments, a source with its claims, an entity's roles."""

from __future__ import annotations

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t
from counterwatch.store import survivors
from counterwatch.store.editing import CREATED


def latest_deployments(engine: Engine, viewer: Viewer, limit: int = 20) -> list[dict]:
    with Session(engine) as session:
        shown = select(t.Claim.record_id).where(t.Claim.record_type == "deployment", viewer.visible())
        into = select(t.Deployment.merged_into).where(t.Deployment.id.in_(shown))  # seen through a merged member
        rows = session.execute(select(t.Deployment, t.Source.title).join(t.Source, t.Source.id == t.Deployment.source_id)
                               .where(t.Deployment.merged_into.is_(None), or_(t.Deployment.id.in_(shown), t.Deployment.id.in_(into)))
                               .order_by(t.Deployment.id.desc()).limit(limit)).all()
        return viewer.scrub([{"id": d.id, "name": d.name, "country": d.country, "source_id": d.source_id,
                              "source_title": title} for d, title in rows])


def queue_size(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(t.Claim).where(t.Claim.status == "proposed"))


def source_with_claims(engine: Engine, viewer: Viewer, source_id: int) -> dict | None:
    """The stored text cut into plain and highlighted pieces, and the claims beside it; a source none of
    whose claims `viewer` sees does not exist for it (its text is not reviewed evidence)."""
    with Session(engine) as session:
        src = session.get(t.Source, source_id)
        if src is None:
            return None
        claims = session.scalars(select(t.Claim).where(t.Claim.source_id == source_id, viewer.visible())
                                 .order_by(t.Claim.start)).all()
        if not claims and not viewer.sees("proposed"):
            return None
        pieces, pos = [], 0
        for c in claims:
            if c.start < pos or c.field == "mention" and c.end - c.start > 200:
                continue
            if c.start > pos:
                pieces.append({"text": src.text[pos:c.start], "claim": None, "kind": None})
            pieces.append({"text": src.text[c.start:c.end], "claim": c.id, "kind": c.record_type})
            pos = c.end
        pieces.append({"text": src.text[pos:], "claim": None, "kind": None})
        made_by = {} if viewer.public else dict(session.execute(  # who made a claim by hand: the editors' to know
            select(t.Revision.claim_id, t.Revision.editor).join(t.Claim, t.Claim.id == t.Revision.claim_id)
            .where(t.Claim.source_id == source_id, t.Revision.action == CREATED)).all())
        return viewer.scrub({"id": src.id, "title": src.title, "uri": src.uri, "published": src.published,
                "publisher": src.publisher, "version": src.version, "sha256": src.sha256, "pieces": pieces,
                "claims": [{"id": c.id, "record_type": c.record_type, "record_id": c.record_id, "field": c.field,
                            "value": c.value, "certainty": c.certainty, "status": c.status, "quote": c.quote,
                            "start": c.start, "end": c.end, "made_by": made_by.get(c.id)}
                           for c in claims if c.field != "evidence"]})


def entity_roles(engine: Engine, viewer: Viewer, entity_id: int) -> list[dict]:
    """Deployments (live records) in which the entity, or one merged into it, is named in an
    entity-valued field (operator, supplier)."""
    with Session(engine) as session:
        live = survivors.load(session)
        rows = session.execute(select(t.Claim.field, t.Claim.record_id).where(
            t.Claim.record_type == "deployment", t.Claim.field.in_(list(REGISTER.entity_fields)), viewer.visible(),
            t.Claim.entity_id.in_(live.entity_members(entity_id))).distinct()).all()
        roles = sorted({(f, live.deployment(rid)) for f, rid in rows})
        names = dict(session.execute(select(t.Deployment.id, t.Deployment.name)
                                     .where(t.Deployment.id.in_({i for _, i in roles}))).all()) if roles else {}
        return viewer.scrub([{"role": f, "deployment_id": i, "deployment": names[i]} for f, i in roles])


def entity_relations(engine: Engine, viewer: Viewer, entity_id: int) -> list[dict]:
    """Relations of an entity in both directions, each with the quote of its first claim."""
    with Session(engine) as session:
        rels = session.scalars(select(t.Relation).where(or_(t.Relation.subject_id == entity_id,
                                                            t.Relation.object_id == entity_id))).all()
        ids = {i for r in rels for i in (r.subject_id, r.object_id)}
        names = dict(session.execute(select(t.Entity.id, t.Entity.name).where(t.Entity.id.in_(ids))).all()) if ids else {}
        out = []
        for r in rels:
            claim = session.scalar(select(t.Claim).where(t.Claim.record_type == "relation", t.Claim.record_id == r.id,
                                                         viewer.visible()))
            if claim is None:
                continue
            out.append({"subject_id": r.subject_id, "subject": names.get(r.subject_id), "predicate": r.predicate,
                        "object_id": r.object_id, "object": names.get(r.object_id),
                        "certainty": claim.certainty if claim else None, "quote": claim.quote if claim else None,
                        "source_id": claim.source_id if claim else None, "claim_id": claim.id if claim else None})
        return viewer.scrub(out)
