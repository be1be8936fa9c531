"""A complete, versioned JSON dump of the register, and its import: export -> import -> export
gives the same dump (ids are renumbered on import; the dump refers to records by hash and keys).
`public_dump` is the same format holding only what the public may see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.exchange import snapshot
from counterwatch.names import key
from counterwatch.query.redaction import PROTECTED
from counterwatch.query.viewer import Viewer
from counterwatch.store import facets
from counterwatch.store import schema as t

DUMP_VERSION = 1


def export_dump(engine: Engine) -> dict:
    with Session(engine) as session:
        sources = session.scalars(select(t.Source).order_by(t.Source.id)).all()
        sha = {s.id: s.sha256 for s in sources}
        entities = session.scalars(select(t.Entity).order_by(t.Entity.id)).unique().all()
        ekey = {e.id: f"{e.type}:{e.key}" for e in entities}
        deployments = session.scalars(select(t.Deployment).order_by(t.Deployment.id)).all()
        dkey = {d.id: f"{sha[d.source_id]}#{i}" for i, d in enumerate(deployments)}
        relations = session.scalars(select(t.Relation).order_by(t.Relation.id)).all()
        rkey = {r.id: f"{ekey[r.subject_id]}|{r.predicate}|{ekey[r.object_id]}" for r in relations}
        refs = {"entity": ekey, "deployment": dkey, "relation": rkey}
        revisions: dict[int, list[dict]] = {}
        for rev in session.scalars(select(t.Revision).order_by(t.Revision.id)):
            revisions.setdefault(rev.claim_id, []).append(
                {"editor": rev.editor, "action": rev.action, "before_status": rev.before_status,
                 "after_status": rev.after_status, "before_value": rev.before_value, "after_value": rev.after_value,
                 "reason": rev.reason, "at": rev.at.isoformat()})
        return {
            "counterwatch_dump": DUMP_VERSION,
            "sources": [{"uri": s.uri, "sha256": s.sha256, "version": s.version, "title": s.title,
                         "published": s.published, "publisher": s.publisher, "author": s.author,
                         "media_type": s.media_type, "text": s.text, "retrieved_at": s.retrieved_at.isoformat()}
                        for s in sources],
            "entities": [{"ref": ekey[e.id], "name": e.name, "type": e.type, "country": e.country, "kind": e.kind,
                          "aliases": sorted(a.name for a in e.aliases),
                          "merged_into": ekey.get(e.merged_into)} for e in entities],
            "deployments": [{"ref": dkey[d.id], "name": d.name, "country": d.country, "source": sha[d.source_id],
                             "merged_into": dkey.get(d.merged_into)} for d in deployments],
            "relations": [{"ref": rkey[r.id], "subject": ekey[r.subject_id], "predicate": r.predicate,
                           "object": ekey[r.object_id]} for r in relations],
            "claims": [{"source": sha[c.source_id], "record_type": c.record_type,
                        "record": refs[c.record_type].get(c.record_id), "field": c.field, "value": c.value,
                        "entity": ekey.get(c.entity_id), "certainty": c.certainty, "quote": c.quote, "start": c.start, "end": c.end, "cue": c.cue,
                        "status": c.status, "revisions": revisions.get(c.id, [])}
                       for c in session.scalars(select(t.Claim).order_by(t.Claim.id))],
        }


def import_dump(engine: Engine, data: dict) -> dict:
    """Load a dump into an empty or existing register in one transaction; known sources are skipped."""
    if data.get("counterwatch_dump") != DUMP_VERSION:
        raise ValueError(f"not a Counterwatch dump of version {DUMP_VERSION}")
    counts = {"sources": 0, "claims": 0}
    with Session(engine) as session, session.begin():
        sid = {}
        for s in data["sources"]:
            known = session.scalar(select(t.Source).where(t.Source.sha256 == s["sha256"]))
            if known is None:
                known = t.Source(**{k: v for k, v in s.items() if k != "retrieved_at"},
                                 retrieved_at=datetime.fromisoformat(s["retrieved_at"]))
                session.add(known)
                counts["sources"] += 1
            session.flush()
            sid[s["sha256"]] = known.id
        eid = {}
        for e in data["entities"]:
            kind_key = e["ref"].split(":", 1)[1]
            row = session.scalar(select(t.Entity).where(t.Entity.type == e["type"], t.Entity.key == kind_key))
            if row is None:
                row = t.Entity(name=e["name"], type=e["type"], key=kind_key, country=e["country"], kind=e["kind"],
                               aliases=[t.Alias(name=a, key=key(a)) for a in e["aliases"]])
                session.add(row)
                session.flush()
            eid[e["ref"]] = row.id
        for e in data["entities"]:
            if e["merged_into"]:
                session.get(t.Entity, eid[e["ref"]]).merged_into = eid[e["merged_into"]]
        did = {}
        for d in data["deployments"]:
            row = t.Deployment(name=d["name"], country=d["country"], source_id=sid[d["source"]])
            session.add(row)
            session.flush()
            did[d["ref"]] = row.id
        for d in data["deployments"]:
            if d.get("merged_into"):
                session.get(t.Deployment, did[d["ref"]]).merged_into = did[d["merged_into"]]
        rid = {}
        for r in data["relations"]:
            row = t.Relation(subject_id=eid[r["subject"]], predicate=r["predicate"], object_id=eid[r["object"]])
            session.add(row)
            session.flush()
            rid[r["ref"]] = row.id
        refs = {"entity": eid, "deployment": did, "relation": rid}
        for c in data["claims"]:
            claim = t.Claim(source_id=sid[c["source"]], record_type=c["record_type"],
                            record_id=refs[c["record_type"]][c["record"]], field=c["field"], value=c["value"],
                            entity_id=eid.get(c.get("entity")), certainty=c["certainty"], quote=c["quote"], start=c["start"], end=c["end"], cue=c["cue"],
                            status=c["status"])
            session.add(claim)
            session.flush()
            for rev in c["revisions"]:
                session.add(t.Revision(claim_id=claim.id, **{k: v for k, v in rev.items() if k != "at"},
                                       at=datetime.fromisoformat(rev["at"])))
            counts["claims"] += 1
        session.flush()
        facets.refresh(session, did.values())
    return counts



def public_dump(engine: Engine, viewer: Viewer) -> dict:
    """A dump of what `viewer` (the public) sees, in the importable dump format: accepted claims only,
    the sources, records and actors they support, protected persons redacted in names, values,
    quotes, titles and source texts (masked to the same length, so offsets still hold). A protected
    person's ref is a number, not the normalised name; review history is the editors' and stays out."""
    snap = snapshot.take(engine, viewer)
    sha = {i: s.sha256 for i, s in snap.sources.items()}
    ekey = {i: (f"person:protected {i}" if e.name == PROTECTED else f"{e.type}:{e.key}")
            for i, e in snap.entities.items()}
    dkey = {i: f"{sha[d.source_id]}#{n}" for n, (i, d) in enumerate(sorted(snap.deployments.items()))}
    rkey = {i: f"{ekey[r.subject_id]}|{r.predicate}|{ekey[r.object_id]}" for i, r in snap.relations.items()
            if r.subject_id in ekey and r.object_id in ekey}
    refs = {"entity": ekey, "deployment": dkey, "relation": rkey}
    claims = [c for (kind, rid), cs in snap.claims.items() if rid in refs[kind] for c in cs]
    return {
        "counterwatch_dump": DUMP_VERSION,
        "sources": [{"uri": s.uri, "sha256": s.sha256, "version": s.version, "title": s.title,
                     "published": s.published, "publisher": s.publisher, "author": s.author,
                     "media_type": s.media_type, "text": s.text, "retrieved_at": s.retrieved_at.isoformat()}
                    for _, s in sorted(snap.sources.items())],
        "entities": [{"ref": ekey[i], "name": e.name, "type": e.type, "country": e.country, "kind": e.kind,
                      "aliases": sorted(snap.aliases.get(i, [])), "merged_into": None}
                     for i, e in sorted(snap.entities.items())],
        "deployments": [{"ref": dkey[i], "name": d.name, "country": d.country, "source": sha[d.source_id],
                         "merged_into": dkey.get(d.merged_into)} for i, d in sorted(snap.deployments.items())],
        "relations": [{"ref": rkey[i], "subject": ekey[r.subject_id], "predicate": r.predicate,
                       "object": ekey[r.object_id]} for i, r in sorted(snap.relations.items()) if i in rkey],
        "claims": [{"source": sha[c.source_id], "record_type": c.record_type, "record": refs[c.record_type][c.record_id],
                    "field": c.field, "value": c.value, "entity": ekey.get(snap.live.entity(c.entity_id)), "certainty": c.certainty, "quote": c.quote, "start": c.start,
                    "end": c.end, "cue": c.cue, "status": c.status, "revisions": []}
                   for c in sorted(claims, key=lambda c: c.id)],
    }
