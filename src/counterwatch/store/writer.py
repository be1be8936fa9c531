"""Store one extraction: the source and every claim it makes, in one transaction (all or nothing).

Identical content is a no-op; changed content at a known URI becomes a new version of that source.
Entities resolve by normalised name or alias of the same type, so one actor named in five reports is
one entity with five sources. (Fuzzy matching and editor judgements come on top of this.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select, text, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from counterwatch.findings import Deployment, Evidence, Extraction
from counterwatch.ingest.source import Source as ReadSource
from counterwatch.names import key
from counterwatch.register import REGISTER
from counterwatch.store import audit, facets
from counterwatch.store import schema as t
from counterwatch.store.resolution import canonical
from counterwatch.store.survivors import ENTITY_FIELDS


STORE_LOCK = 0x436F756E  # PostgreSQL advisory lock held by each store transaction: entity resolution
# reads then writes, so two writers storing the same new actor at once would create it twice


@dataclass
class IngestResult:
    status: str  # stored | unchanged | new_version
    source_id: int
    claims: int = 0


def store_extraction(engine: Engine, source: ReadSource, x: Extraction, actor: str = "ingest") -> IngestResult:
    try:
        return _store(engine, source, x, actor)
    except IntegrityError:  # another ingest stored this content between our check and our insert
        with Session(engine) as session:
            known = session.scalar(select(t.Source.id).where(t.Source.sha256 == source.sha256))
        if known is None:
            raise
        return IngestResult("unchanged", known)


def _store(engine: Engine, source: ReadSource, x: Extraction, actor: str) -> IngestResult:
    with Session(engine) as session, session.begin():
        if engine.dialect.name == "postgresql":  # concurrent writers (team, cluster) resolve one at a time;
            # commits need not wait for the WAL flush: a transaction lost to a server crash is a source not
            # yet stored, which the next ingest stores (never half, never twice)
            session.execute(text("SELECT pg_advisory_xact_lock(:k), set_config('synchronous_commit', 'off', true)"),
                            {"k": STORE_LOCK})
        known = session.scalar(select(t.Source).where(t.Source.sha256 == source.sha256))
        if known is not None:
            return IngestResult("unchanged", known.id)
        version = (session.scalar(select(func.max(t.Source.version)).where(t.Source.uri == source.uri)) or 0) + 1
        row = t.Source(uri=source.uri, sha256=source.sha256, version=version, text=source.text, **_clipped(
            title=x.document.get("title"), published=x.document.get("published"),
            publisher=x.document.get("publisher"), author=source.author, media_type=source.media_type))
        session.add(row)
        session.flush()
        writer = _ClaimWriter(session, row.id)
        ids = _resolve_entities(session, x.entities)
        for e in x.entities:
            m = e.mentions[0]
            writer.add("entity", ids[e.name], "mention", e.name, REGISTER.default_certainty, Evidence(m.start, m.end, source.text[m.start:m.end]))
        deps = [t.Deployment(name=d.name, country=d.country, source_id=row.id) for d in x.deployments]
        session.add_all(deps)
        session.flush()
        for d, dep in zip(x.deployments, deps):
            main = d.evidence[0]
            fields = _field_values(d)
            tags = facets.tokens(fields)  # a new record: its facets are this document's
            for name, value in fields:
                writer.add("deployment", dep.id, name, value, d.certainty, main, tags,
                           confidence=d.confidence.get(f"{name}={value}", d.confidence.get(name) if name == "certainty" else None),
                           entity_id=ids.get(value) if name in ENTITY_FIELDS else None)
            for ev in d.evidence:
                writer.add("deployment", dep.id, "evidence", d.name, d.certainty, ev, tags)
        stated = [(r, ids.get(r.subject), ids.get(r.object)) for r in x.relations]
        stated = [(r, s_id, o_id) for r, s_id, o_id in stated if s_id is not None and o_id is not None]
        rel_ids = _resolve_relations(session, {(s_id, r.predicate, o_id) for r, s_id, o_id in stated})
        for r, s_id, o_id in stated:
            writer.add("relation", rel_ids[(s_id, r.predicate, o_id)], r.predicate, f"{r.subject} -> {r.object}",
                       r.certainty, r.evidence, confidence=r.confidence)
        writer.flush()
        audit.record(session, actor, "source.store", f"source:{row.id}",
                     after={"uri": source.uri, "sha256": source.sha256, "version": version, "claims": writer.count})
        return IngestResult("new_version" if version > 1 else "stored", row.id, writer.count)


def _field_values(d: Deployment) -> list[tuple[str, str]]:
    """(field, value) claims of an extracted deployment, in register.yml's field order."""
    out = []
    for name, f in REGISTER.deployment.items():
        if f.attribute:
            value = getattr(d, f.attribute)
            out.extend((name, v) for v in (value if isinstance(value, list) else [value]) if v)
    return out


def _clipped(**values: str | None) -> dict[str, str | None]:
    """Metadata cut to its column's width: PostgreSQL refuses a longer value (a title that is a whole
    one-line text), SQLite would store it; both now store the same."""
    columns = t.Source.__table__.columns
    return {k: v[:columns[k].type.length] if v else v for k, v in values.items()}


class _ClaimWriter:
    """Collects a document's claims and inserts them in one executemany: one ORM object each was slow, and
    the ORM's bulk insert still splits the rows by which values are None."""

    def __init__(self, session: Session, source_id: int) -> None:
        self.session, self.source_id, self.rows = session, source_id, []

    @property
    def count(self) -> int:
        return len(self.rows)

    def add(self, record_type: str, record_id: int, field: str, value: str, certainty: str, ev: Evidence,
            record_facets: str = "", confidence: float | None = None, entity_id: int | None = None) -> None:
        self.rows.append(dict(source_id=self.source_id, record_type=record_type, record_id=record_id, field=field,
                              value=str(value)[:500], certainty=certainty, quote=ev.quote, start=ev.start,
                              end=ev.end, cue=ev.cue, facets=facets.column(record_facets, certainty),
                              confidence=confidence, entity_id=entity_id))

    def flush(self) -> None:
        if self.rows:
            self.session.connection().execute(insert(t.Claim.__table__), self.rows)


def _resolve_entities(session: Session, entities: list) -> dict[str, int]:
    """Same type and same normalised name or alias: the same entity (the oldest such, then its merge
    survivor). Two look-ups per document instead of two per entity: resolution was most of the store's time."""
    wanted = {e.name: {key(n) for n in [e.name, *e.aliases] if key(n)} for e in entities}
    keys = set().union(*wanted.values()) if wanted else set()
    by_key: dict[tuple[str, str], t.Entity] = {}
    by_alias: dict[tuple[str, str], t.Entity] = {}
    if keys:
        for ent in session.scalars(select(t.Entity).where(t.Entity.key.in_(keys)).order_by(t.Entity.id)
                                   .options(selectinload(t.Entity.aliases))):
            by_key.setdefault((ent.type, ent.key), ent)
        for ent, alias_key in session.execute(select(t.Entity, t.Alias.key).join(t.Alias).where(t.Alias.key.in_(keys))
                                              .order_by(t.Entity.id).options(selectinload(t.Entity.aliases))):
            by_alias.setdefault((ent.type, alias_key), ent)
    resolved: dict[str, t.Entity] = {}
    for e in entities:
        ks = wanted[e.name]
        found = _oldest(by_key.get((e.type, k)) for k in ks) or _oldest(by_alias.get((e.type, k)) for k in ks)
        if found is not None and found.merged_into is not None:  # judged the same as another: use that one
            found = session.get(t.Entity, canonical(session, found.id))
        if found is None:
            found = t.Entity(name=e.name, type=e.type, key=key(e.name), country=e.country, kind=e.kind,
                             protected_suggested=bool(e.protected_cue), aliases=[])
            session.add(found)
            by_key.setdefault((e.type, found.key), found)
        if e.protected_cue:
            found.protected_suggested = True
        have = {a.key for a in found.aliases} | {found.key}
        for name in [e.name, *e.aliases]:
            k = key(name)
            if k and k not in have:
                found.aliases.append(t.Alias(name=name, key=k))
                by_alias.setdefault((e.type, k), found)
                have.add(k)
        resolved[e.name] = found
    session.flush()
    return {name: ent.id for name, ent in resolved.items()}


def _resolve_relations(session: Session, triples: set[tuple[int, str, int]]) -> dict[tuple[int, str, int], int]:
    """Relation ids for (subject, predicate, object) triples, creating the new ones: one look-up for
    the document, not one per statement."""
    if not triples:
        return {}
    rel = t.Relation
    found = {(s, p, o): i for i, s, p, o in session.execute(
        select(rel.id, rel.subject_id, rel.predicate, rel.object_id)
        .where(tuple_(rel.subject_id, rel.predicate, rel.object_id).in_(list(triples))))}
    new = {tr: t.Relation(subject_id=tr[0], predicate=tr[1], object_id=tr[2]) for tr in triples if tr not in found}
    if new:
        session.add_all(new.values())
        session.flush()
        found.update({tr: r.id for tr, r in new.items()})
    return found


def _oldest(candidates) -> t.Entity | None:
    """Stored entities before new ones (no id yet), then the lowest id."""
    found = [c for c in candidates if c is not None]
    return min(found, key=lambda c: (c.id is None, c.id or 0)) if found else None


def source_titles(session: Session, source_ids) -> dict[int, str | None]:
    """Titles of just these sources: reading every title per request grew with the register."""
    ids = set(source_ids)
    if not ids:
        return {}
    return dict(session.execute(select(t.Source.id, t.Source.title).where(t.Source.id.in_(ids))).all())


def stats(engine: Engine) -> dict:
    """Counts of the register, for scripts and checks (merged entities count once; `programs` are the
    deployment records after resolution, `deployments` the records extraction made)."""
    with Session(engine) as session:
        count = lambda table: session.scalar(select(func.count()).select_from(table))  # noqa: E731
        by_status = dict(session.execute(select(t.Claim.status, func.count()).group_by(t.Claim.status)).all())
        entities = session.scalar(select(func.count()).select_from(t.Entity).where(t.Entity.merged_into.is_(None)))
        programs = session.scalar(select(func.count()).select_from(t.Deployment).where(t.Deployment.merged_into.is_(None)))
        return {"sources": count(t.Source), "entities": entities, "deployments": count(t.Deployment), "programs": programs,
                "relations": count(t.Relation), "claims": count(t.Claim), "claims_by_status": by_status}
