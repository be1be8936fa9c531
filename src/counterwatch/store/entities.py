"""Editors correct entities: name, type, aliases and country, and undo a merge (split). Each change is
one transaction with its audit entry; claims keep what their sources said (a mention's value and
quote never change), only the record they are about does."""

from __future__ import annotations

import json

import pycountry
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, selectinload

from counterwatch.names import key
from counterwatch.store import audit
from counterwatch.store import schema as t
from counterwatch.store.editing import vocabulary


class EntityError(ValueError):
    """An entity change that cannot be applied (unknown entity, type or country, empty name, no merge)."""


def edit(engine: Engine, entity_id: int, editor: str, *, name: str | None = None, entity_type: str | None = None,
         aliases: list[str] | None = None, country: str | None = None) -> dict:
    """Change what is given (country "" clears it). A renamed entity keeps its old name as an alias, so
    the next source naming it the old way still resolves to it."""
    with Session(engine) as session, session.begin():
        e = session.scalar(select(t.Entity).where(t.Entity.id == entity_id).options(selectinload(t.Entity.aliases)))
        if e is None or e.merged_into is not None:
            raise EntityError(f"no entity {entity_id}" if e is None else f"entity {entity_id} was merged into {e.merged_into}")
        before = _state(e)
        if entity_type is not None:
            if entity_type not in vocabulary()["entity_types"]:
                raise EntityError(f"unknown entity type {entity_type!r}: one of {', '.join(vocabulary()['entity_types'])}")
            e.type = entity_type
        if country is not None:
            e.country = _country(country)
        wanted = list(aliases) if aliases is not None else [a.name for a in e.aliases]
        if name is not None:
            name = " ".join(name.split())[:300]
            if not key(name):
                raise EntityError("an entity needs a name")
            if name != e.name:
                wanted.append(e.name)
                e.name, e.key = name, key(name)
        _set_aliases(session, e, wanted)
        after = _state(e)
        audit.record(session, editor, "entity.edit", f"entity:{e.id}", before=before, after=after)
        return {"id": e.id, **after}


def _country(code: str) -> str | None:
    code = code.strip().upper()
    if not code:
        return None
    if pycountry.countries.get(alpha_2=code) is None:
        raise EntityError(f"unknown country {code!r}: an ISO 3166-1 alpha-2 code, e.g. KE")
    return code


def _set_aliases(session: Session, e: t.Entity, names: list[str]) -> None:
    """Aliases become `names` (one per normalised form, never the name itself)."""
    keep: dict[str, str] = {}
    for n in names:
        n = " ".join(n.split())[:300]
        k = key(n)
        if k and k != e.key:
            keep.setdefault(k, n)
    for a in list(e.aliases):
        if a.key not in keep:
            e.aliases.remove(a)
        else:
            a.name = keep.pop(a.key)
    session.flush()
    e.aliases.extend(t.Alias(name=n, key=k) for k, n in keep.items())


def _state(e: t.Entity) -> dict:
    return {"name": e.name, "type": e.type, "country": e.country, "aliases": sorted(a.name for a in e.aliases)}


def merges(engine: Engine) -> list[dict]:
    """Entities merged into another (by an editor or automatically), newest first: what can be split."""
    with Session(engine) as session:
        gone = session.scalars(select(t.Entity).where(t.Entity.merged_into.isnot(None)).order_by(t.Entity.id.desc())).all()
        names = dict(session.execute(select(t.Entity.id, t.Entity.name).where(
            t.Entity.id.in_({g.merged_into for g in gone}))).all()) if gone else {}
        return [{"id": g.id, "name": g.name, "type": g.type, "into_id": g.merged_into, "into": names.get(g.merged_into)}
                for g in gone]


def split(engine: Engine, entity_id: int, editor: str) -> dict:
    """Undo the merge of `entity_id` into another: its claims, relation ends and aliases go back (as the
    merge's audit entry recorded them), and the pair is judged negative so no ingest merges it again."""
    with Session(engine) as session, session.begin():
        gone = session.get(t.Entity, entity_id)
        if gone is None or gone.merged_into is None:
            raise EntityError(f"entity {entity_id} is not merged into another")
        keep = session.get(t.Entity, gone.merged_into)
        pair = f"entity:{min(keep.id, gone.id)}~{max(keep.id, gone.id)}"
        entry = session.scalar(select(t.AuditEntry).where(t.AuditEntry.target == pair,
                                                          t.AuditEntry.action == "judgement.positive")
                               .order_by(t.AuditEntry.id.desc()))
        moved = (json.loads(entry.after) if entry and entry.after else {}).get("moved")
        if moved is None:
            raise EntityError(f"the merge of {entity_id} into {keep.id} predates split records: judge the pair instead")
        if moved["claims"]:
            session.execute(update(t.Claim).where(t.Claim.id.in_(moved["claims"]), t.Claim.record_type == "entity",
                                                  t.Claim.record_id == keep.id).values(record_id=gone.id))
        if moved["subjects"]:
            session.execute(update(t.Relation).where(t.Relation.id.in_(moved["subjects"]), t.Relation.subject_id == keep.id)
                            .values(subject_id=gone.id))
        if moved["objects"]:
            session.execute(update(t.Relation).where(t.Relation.id.in_(moved["objects"]), t.Relation.object_id == keep.id)
                            .values(object_id=gone.id))
        for a in [a for a in keep.aliases if a.key in set(moved["aliases"])]:
            keep.aliases.remove(a)
        gone.merged_into = None
        judgement = session.scalar(select(t.Judgement).where(t.Judgement.left_id == min(keep.id, gone.id),
                                                             t.Judgement.right_id == max(keep.id, gone.id)))
        judgement.judgement, judgement.editor = "negative", editor
        audit.record(session, editor, "entity.split", pair, before={"merged_into": keep.id}, after=moved)
        return {"id": gone.id, "from": keep.id, "claims": len(moved["claims"]),
                "relations": len(moved["subjects"]) + len(moved["objects"])}
