"""Store one extraction: the source and every claim it makes, in one transaction (all or nothing).

Identical content is a no-op; changed content at a known URI becomes a new version of that source.
Entities resolve by normalised name or alias of the same type, so one actor named in five reports is
one entity with five sources. (Fuzzy matching and editor judgements come on top of this.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from counterwatch.extract.entities import key
from counterwatch.extract.model import Evidence, Extraction
from counterwatch.ingest.source import Source as ReadSource
from counterwatch.store import audit
from counterwatch.store import schema as t
from counterwatch.store.resolution import canonical


@dataclass
class IngestResult:
    status: str  # stored | unchanged | new_version
    source_id: int
    claims: int = 0


def store_extraction(engine: Engine, source: ReadSource, x: Extraction, actor: str = "ingest") -> IngestResult:
    with Session(engine) as session, session.begin():
        known = session.scalar(select(t.Source).where(t.Source.sha256 == source.sha256))
        if known is not None:
            return IngestResult("unchanged", known.id)
        version = (session.scalar(select(func.max(t.Source.version)).where(t.Source.uri == source.uri)) or 0) + 1
        row = t.Source(uri=source.uri, sha256=source.sha256, version=version, title=x.document.get("title"),
                       published=x.document.get("published"), publisher=x.document.get("publisher"),
                       author=source.author, media_type=source.media_type, text=source.text)
        session.add(row)
        session.flush()
        writer = _ClaimWriter(session, row.id)
        ids = {e.name: _resolve_entity(session, e) for e in x.entities}
        for e in x.entities:
            m = e.mentions[0]
            writer.add("entity", ids[e.name], "mention", e.name, "reported", Evidence(m.start, m.end, source.text[m.start:m.end]))
        for d in x.deployments:
            dep = t.Deployment(name=d.name, country=d.country, source_id=row.id)
            session.add(dep)
            session.flush()
            main = d.evidence[0]
            fields = [("technology", v) for v in d.technologies] + [("operator", v) for v in d.operators] + \
                     [("supplier", v) for v in d.suppliers] + [("place", v) for v in d.places] + \
                     [("target", v) for v in d.targets] + [("status", d.status), ("certainty", d.certainty)] + \
                     ([("start", d.start)] if d.start else []) + ([("country", d.country)] if d.country else [])
            for name, value in fields:
                writer.add("deployment", dep.id, name, value, d.certainty, main)
            for ev in d.evidence:
                writer.add("deployment", dep.id, "evidence", d.name, d.certainty, ev)
        for r in x.relations:
            s_id, o_id = ids.get(r.subject), ids.get(r.object)
            if s_id is None or o_id is None:
                continue
            rel = session.scalar(select(t.Relation).where(t.Relation.subject_id == s_id, t.Relation.predicate == r.predicate,
                                                          t.Relation.object_id == o_id))
            if rel is None:
                rel = t.Relation(subject_id=s_id, predicate=r.predicate, object_id=o_id)
                session.add(rel)
                session.flush()
            writer.add("relation", rel.id, r.predicate, f"{r.subject} -> {r.object}", r.certainty, r.evidence)
        audit.record(session, actor, "source.store", f"source:{row.id}",
                     after={"uri": source.uri, "sha256": source.sha256, "version": version, "claims": writer.count})
        return IngestResult("new_version" if version > 1 else "stored", row.id, writer.count)


class _ClaimWriter:
    def __init__(self, session: Session, source_id: int) -> None:
        self.session, self.source_id, self.count = session, source_id, 0

    def add(self, record_type: str, record_id: int, field: str, value: str, certainty: str, ev: Evidence) -> None:
        self.session.add(t.Claim(source_id=self.source_id, record_type=record_type, record_id=record_id, field=field,
                                 value=str(value)[:500], certainty=certainty, quote=ev.quote, start=ev.start,
                                 end=ev.end, cue=ev.cue))
        self.count += 1


def _resolve_entity(session: Session, e) -> int:
    """Same type and same normalised name or alias: the same entity."""
    keys = {key(n) for n in [e.name, *e.aliases] if key(n)}
    found = session.scalar(select(t.Entity).where(t.Entity.type == e.type, t.Entity.key.in_(keys)))
    if found is None:
        found = session.scalar(select(t.Entity).join(t.Alias).where(t.Entity.type == e.type, t.Alias.key.in_(keys)))
    if found is not None and found.merged_into is not None:  # judged the same as another: use that one
        found = session.get(t.Entity, canonical(session, found.id))
    if found is None:
        found = t.Entity(name=e.name, type=e.type, key=key(e.name), country=e.country, kind=e.kind,
                         protected_suggested=bool(e.protected_cue))
        session.add(found)
        session.flush()
    if e.protected_cue:
        found.protected_suggested = True
    have = {a.key for a in found.aliases} | {found.key}
    for name in [e.name, *e.aliases]:
        k = key(name)
        if k and k not in have:
            found.aliases.append(t.Alias(name=name, key=k))
            have.add(k)
    return found.id


def stats(engine: Engine) -> dict:
    """Counts of the register, for scripts and checks (merged entities count once)."""
    with Session(engine) as session:
        count = lambda table: session.scalar(select(func.count()).select_from(table))  # noqa: E731
        by_status = dict(session.execute(select(t.Claim.status, func.count()).group_by(t.Claim.status)).all())
        entities = session.scalar(select(func.count()).select_from(t.Entity).where(t.Entity.merged_into.is_(None)))
        return {"sources": count(t.Source), "entities": entities, "deployments": count(t.Deployment),
                "relations": count(t.Relation), "claims": count(t.Claim), "claims_by_status": by_status}
