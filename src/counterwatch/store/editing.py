"""Claims made by hand: an editor quotes a span of a stored source as the evidence of a deployment
field, a relation or an entity. The quote must be the stored text at its offsets (never trust what a
browser says it selected), and the claim enters the review history as the editor's own ("create"),
with its audit entry, in one transaction."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.names import key
from counterwatch.register import REGISTER
from counterwatch.store import audit, facets
from counterwatch.store import schema as t
from counterwatch.store.resolution import canonical
from counterwatch.store.survivors import ENTITY_FIELDS, entity_named

CREATED = "create"  # the revision action of a claim an editor made (its first step in the history)


class EditError(ValueError):
    """A hand-made claim that cannot be stored (offsets off the text, unknown field, type or record)."""


def vocabulary() -> dict:
    """Fields, entity types, predicates and certainty levels an editor chooses from (register.yml)."""
    return {"deployment_fields": list(REGISTER.editable), "entity_types": list(REGISTER.entity_types),
            "relation_predicates": sorted(REGISTER.predicates), "certainties": list(REGISTER.certainties)}


def add_claim(engine: Engine, editor: str, source_id: int, start: int, end: int, quote: str, certainty: str,
              kind: str, *, field: str | None = None, value: str | None = None, deployment_id: int | None = None,
              deployment_name: str | None = None, entity_type: str | None = None, subject_id: int | None = None,
              predicate: str | None = None, object_id: int | None = None) -> dict:
    """Store one claim quoting source[start:end]. kind "deployment": `field`=`value` of deployment
    `deployment_id`, or of a new deployment `deployment_name`; "entity": a new entity named `value`
    (the quote when omitted) of `entity_type`; "relation": `subject_id` `predicate` `object_id`."""
    vocab = vocabulary()
    if certainty not in vocab["certainties"]:
        raise EditError(f"unknown certainty {certainty!r}: one of {', '.join(vocab['certainties'])}")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        src = session.get(t.Source, source_id)
        if src is None:
            raise EditError(f"no source {source_id}")
        if not (0 <= start < end <= len(src.text)) or src.text[start:end] != quote:
            raise EditError(f"the quote is not the source's text at {start}:{end}: select it again")
        if kind == "deployment":
            record_type, record_id, field, value = "deployment", *_deployment(session, src, field, value,
                                                                            deployment_id, deployment_name, vocab)
        elif kind == "entity":
            record_type, field = "entity", "mention"
            record_id, value = _entity(session, value or quote, entity_type, vocab)
        elif kind == "relation":
            record_type, field = "relation", predicate
            record_id, value = _relation(session, subject_id, predicate, object_id, vocab)
        else:
            raise EditError(f"unknown kind {kind!r}: deployment, entity or relation")
        claim = t.Claim(source_id=src.id, record_type=record_type, record_id=record_id, field=field,
                        value=value[:500], certainty=certainty, quote=quote, start=start, end=end, cue=None,
                        status="accepted", facets=facets.column("", certainty),
                        entity_id=entity_named(session, value) if record_type == "deployment" and field in ENTITY_FIELDS else None)
        session.add(claim)
        session.flush()
        if record_type == "deployment":
            facets.refresh(session, [record_id])
        session.add(t.Revision(claim_id=claim.id, editor=editor, action=CREATED, before_status="", after_status="accepted",
                               before_value="", after_value=claim.value, reason=None))
        made = {"claim_id": claim.id, "record_type": record_type, "record_id": record_id, "field": field,
                "value": claim.value, "certainty": certainty, "quote": quote, "start": start, "end": end,
                "source_id": src.id, "status": "accepted", "made_by": editor}
        audit.record(session, editor, "claim.create", f"claim:{claim.id}", after=made)
    return made


def _deployment(session: Session, src: t.Source, field: str | None, value: str | None, deployment_id: int | None,
                name: str | None, vocab: dict) -> tuple[int, str, str]:
    if field not in vocab["deployment_fields"]:
        raise EditError(f"unknown deployment field {field!r}: one of {', '.join(vocab['deployment_fields'])}")
    value = (value or "").strip()
    if not value:
        raise EditError("a deployment field needs its value")
    if field == "country":
        value = value.upper()
        if len(value) != 2 or not value.isalpha():
            raise EditError("a country is its ISO 3166-1 alpha-2 code, e.g. KE")
    if deployment_id is not None:
        dep = session.get(t.Deployment, deployment_id)
        if dep is None:
            raise EditError(f"no deployment {deployment_id}")
    elif name and name.strip():
        dep = t.Deployment(name=name.strip()[:500], country=None, source_id=src.id)
        session.add(dep)
        session.flush()
    else:
        raise EditError("choose a deployment or name a new one")
    if field == "country" and dep.country is None:
        dep.country = value
    return dep.id, field, value


def _entity(session: Session, name: str, entity_type: str | None, vocab: dict) -> tuple[int, str]:
    """A new entity, unless one of that type already has this name or alias (then the claim is its mention)."""
    if entity_type not in vocab["entity_types"]:
        raise EditError(f"unknown entity type {entity_type!r}: one of {', '.join(vocab['entity_types'])}")
    name = " ".join(name.split())[:300]
    k = key(name)
    if not k:
        raise EditError("an entity needs a name")
    found = session.scalar(select(t.Entity.id).where(t.Entity.type == entity_type, t.Entity.key == k).order_by(t.Entity.id)) \
        or session.scalar(select(t.Entity.id).join(t.Alias).where(t.Entity.type == entity_type, t.Alias.key == k)
                          .order_by(t.Entity.id))
    if found is not None:
        return canonical(session, found), name
    # a person an editor adds is protected until an editor decides otherwise: never exposed by default
    entity = t.Entity(name=name, type=entity_type, key=k, aliases=[], protected_suggested=entity_type == "person")
    session.add(entity)
    session.flush()
    return entity.id, name


def _relation(session: Session, subject_id: int | None, predicate: str | None, object_id: int | None,
              vocab: dict) -> tuple[int, str]:
    if predicate not in vocab["relation_predicates"]:
        raise EditError(f"unknown predicate {predicate!r}: one of {', '.join(vocab['relation_predicates'])}")
    ends = [session.get(t.Entity, i) if i is not None else None for i in (subject_id, object_id)]
    if None in ends:
        raise EditError("a relation needs two existing entities")
    subject, obj = (session.get(t.Entity, canonical(session, e.id)) for e in ends)
    if subject.id == obj.id:
        raise EditError("a relation needs two different entities")
    rel = session.scalar(select(t.Relation).where(t.Relation.subject_id == subject.id, t.Relation.predicate == predicate,
                                                 t.Relation.object_id == obj.id))
    if rel is None:
        rel = t.Relation(subject_id=subject.id, predicate=predicate, object_id=obj.id)
        session.add(rel)
        session.flush()
    return rel.id, f"{subject.name} -> {obj.name}"
