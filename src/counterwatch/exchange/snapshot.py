"""One read of the register that every export works from: records with their claims."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.store import schema as t
from counterwatch.store.accounts import protected_names

PUBLIC_STATUSES = ("accepted",)
PROTECTED = "[protected person]"


@dataclass
class Snapshot:
    sources: dict[int, t.Source] = field(default_factory=dict)
    entities: dict[int, t.Entity] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    deployments: dict[int, t.Deployment] = field(default_factory=dict)
    relations: dict[int, t.Relation] = field(default_factory=dict)
    claims: dict[tuple[str, int], list[t.Claim]] = field(default_factory=lambda: defaultdict(list))

    def values(self, record_type: str, record_id: int, fld: str) -> list[str]:
        return list(dict.fromkeys(c.value for c in self.claims[(record_type, record_id)] if c.field == fld))

    def first(self, record_type: str, record_id: int, fld: str | None = None) -> t.Claim | None:
        return next((c for c in self.claims[(record_type, record_id)] if fld is None or c.field == fld), None)


def take(engine: Engine, include_proposed: bool = True) -> Snapshot:
    """Everything (proposed claims too unless a public export asks for accepted ones only)."""
    statuses = ("accepted", "proposed") if include_proposed else PUBLIC_STATUSES
    snap = Snapshot()
    with Session(engine, expire_on_commit=False) as session:
        snap.sources = {s.id: s for s in session.scalars(select(t.Source))}
        for e in session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None))).unique():
            snap.entities[e.id] = e
            snap.aliases[e.id] = [a.name for a in e.aliases]
        snap.deployments = {d.id: d for d in session.scalars(select(t.Deployment))}
        snap.relations = {r.id: r for r in session.scalars(select(t.Relation))}
        for c in session.scalars(select(t.Claim).where(t.Claim.status.in_(statuses)).order_by(t.Claim.id)):
            snap.claims[(c.record_type, c.record_id)].append(c)
        session.expunge_all()
    if not include_proposed:  # a public export shows only records that an accepted claim supports
        snap.deployments = {i: d for i, d in snap.deployments.items() if snap.claims[("deployment", i)]}
        snap.relations = {i: r for i, r in snap.relations.items() if snap.claims[("relation", i)]}
        _protect(snap)
    return snap


def _names_pattern(names: list[str]) -> re.Pattern | None:
    return re.compile("|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))) if names else None


def protected_pattern(engine: Engine) -> re.Pattern | None:
    """A pattern matching every name and alias of a protected person (None if there is none)."""
    return _names_pattern(protected_names(engine))


def _protect(snap: Snapshot) -> None:
    """Public exports never name a protected person: names, aliases and quotes are redacted."""
    names = []
    for eid, e in snap.entities.items():
        if e.type == "person" and e.protected:
            names += [e.name, *snap.aliases.get(eid, [])]
            e.name, snap.aliases[eid] = PROTECTED, []
    pattern = _names_pattern(names)
    if pattern is None:
        return
    for claims in snap.claims.values():
        for c in claims:
            c.quote, c.value = pattern.sub(PROTECTED, c.quote), pattern.sub(PROTECTED, c.value)
    for src in snap.sources.values():
        src.title = pattern.sub(PROTECTED, src.title) if src.title else src.title
    for d in snap.deployments.values():
        d.name = pattern.sub(PROTECTED, d.name)
