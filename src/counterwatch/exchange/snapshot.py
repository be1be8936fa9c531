"""One read of the register that every export works from: records with their claims."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.query.redaction import PROTECTED, Redactor
from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t
from counterwatch.store import survivors
from counterwatch.store.survivors import Survivors


@dataclass
class Snapshot:
    sources: dict[int, t.Source] = field(default_factory=dict)
    entities: dict[int, t.Entity] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    deployments: dict[int, t.Deployment] = field(default_factory=dict)
    relations: dict[int, t.Relation] = field(default_factory=dict)
    claims: dict[tuple[str, int], list[t.Claim]] = field(default_factory=lambda: defaultdict(list))
    live: Survivors = field(default_factory=Survivors)  # merged ids to the records that stand for them

    def programs(self) -> dict[int, list[int]]:
        """Each live deployment with its stored members (merged deployments are one record)."""
        return {d: m for d, m in self.live.grouped_deployments(self.deployments).items() if d in self.deployments}

    def program_claims(self, members: list[int]) -> list[t.Claim]:
        return sorted((c for m in members for c in self.claims[("deployment", m)]), key=lambda c: c.id)

    def values(self, record_type: str, record_id: int, fld: str) -> list[str]:
        return list(dict.fromkeys(c.value for c in self.claims[(record_type, record_id)] if c.field == fld))

    def first(self, record_type: str, record_id: int, fld: str | None = None) -> t.Claim | None:
        return next((c for c in self.claims[(record_type, record_id)] if fld is None or c.field == fld), None)


def take(engine: Engine, viewer: Viewer) -> Snapshot:
    """The records and claims `viewer` sees (rejected claims never travel). A viewer who does not see
    proposals gets only the sources, records and actors an accepted claim supports, redacted for it."""
    statuses = tuple(s for s in viewer.statuses if s != "rejected")
    snap = Snapshot()
    with Session(engine, expire_on_commit=False) as session:
        snap.live = survivors.load(session)
        snap.sources = {s.id: s for s in session.scalars(select(t.Source))}
        for e in session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None))).unique():
            snap.entities[e.id] = e
            snap.aliases[e.id] = [a.name for a in e.aliases]
        snap.deployments = {d.id: d for d in session.scalars(select(t.Deployment))}
        snap.relations = {r.id: r for r in session.scalars(select(t.Relation))}
        for c in session.scalars(select(t.Claim).where(t.Claim.status.in_(statuses)).order_by(t.Claim.id)):
            snap.claims[(c.record_type, c.record_id)].append(c)
        session.expunge_all()
    if not viewer.sees("proposed"):
        _supported_only(snap)
    if viewer.redactor:
        _protect(snap, viewer.redactor)
    return snap


def _supported_only(snap: Snapshot) -> None:
    """Keep what a visible claim supports: records with claims, the actors they name, their sources."""
    snap.deployments = {i: d for i, d in snap.deployments.items() if snap.claims[("deployment", i)]}
    snap.relations = {i: r for i, r in snap.relations.items() if snap.claims[("relation", i)]}
    named = {snap.live.entity(c.entity_id) for i in snap.deployments for c in snap.claims[("deployment", i)]
             if c.field in REGISTER.entity_fields and c.entity_id is not None}
    ends = {e for r in snap.relations.values() for e in (r.subject_id, r.object_id)}
    snap.entities = {i: e for i, e in snap.entities.items() if snap.claims[("entity", i)] or i in ends or i in named}
    snap.aliases = {i: a for i, a in snap.aliases.items() if i in snap.entities}
    cited = {c.source_id for claims in snap.claims.values() for c in claims}
    snap.sources = {i: s for i, s in snap.sources.items() if i in cited}


def _protect(snap: Snapshot, redactor: Redactor) -> None:
    """Protected persons are never named: names, aliases, values, quotes, titles and texts redacted."""
    for eid, e in snap.entities.items():
        if e.type == "person" and e.protected:
            e.name, snap.aliases[eid] = PROTECTED, []
    for claims in snap.claims.values():
        for c in claims:
            c.quote, c.value = redactor.text(c.quote, whole=False), redactor.text(c.value)
    for src in snap.sources.values():
        src.title, src.text = redactor.text(src.title), redactor.text(src.text, whole=False)
    for d in snap.deployments.values():
        d.name = redactor.text(d.name)
