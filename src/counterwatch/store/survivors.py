"""One map from every stored id to the record that stands for it now, for entities and deployments.

Why: merges are judgements, not rewrites (nomenklatura's resolver). A claim keeps the entity or
deployment its source named when it was stored; every reader (record pages, graph, map and network
data, exports, listings) asks this map which live record that id belongs to, so a merge shows
everywhere at once and a split restores exactly the state before it.

Only merged rows are read (a handful next to the register), so building the map is cheap per request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import CTE, Integer, literal, select
from sqlalchemy.orm import Session

from counterwatch.names import key
from counterwatch.register import REGISTER
from counterwatch.store import schema as t

ENTITY_FIELDS = REGISTER.entity_valued  # deployment fields whose value names an entity (register.yml)


def _follow(parent: dict[int, int]) -> dict[int, int]:
    """Each merged id to the end of its merge chain (a cycle, which no merge makes, stops where it loops)."""
    out = {}
    for start in parent:
        seen, at = {start}, parent[start]
        while at in parent and at not in seen:
            seen.add(at)
            at = parent[at]
        out[start] = at
    return out


@dataclass
class Survivors:
    """`entity(id)` / `deployment(id)`: the live record for a stored id (itself when never merged)."""

    entities: dict[int, int] = field(default_factory=dict)
    deployments: dict[int, int] = field(default_factory=dict)

    def entity(self, entity_id: int | None) -> int | None:
        return self.entities.get(entity_id, entity_id)

    def deployment(self, deployment_id: int) -> int:
        return self.deployments.get(deployment_id, deployment_id)

    def entity_members(self, entity_id: int) -> list[int]:
        """The stored entities this live one stands for (itself first)."""
        return [entity_id, *sorted(e for e, s in self.entities.items() if s == entity_id)]

    def grouped_deployments(self, ids: Iterable[int]) -> dict[int, list[int]]:
        """Stored deployment ids grouped under their live deployment."""
        out: dict[int, list[int]] = defaultdict(list)
        for i in ids:
            out[self.deployment(i)].append(i)
        return out


def load(session: Session) -> Survivors:
    """The map as the register holds it now."""
    entities = dict(session.execute(select(t.Entity.id, t.Entity.merged_into).where(t.Entity.merged_into.isnot(None))).all())
    deployments = dict(session.execute(select(t.Deployment.id, t.Deployment.merged_into)
                                       .where(t.Deployment.merged_into.isnot(None))).all())
    return Survivors(_follow(entities), _follow(deployments))


def _survivor(session: Session, table, record_id: int) -> int:
    """The live record of one stored id, by walking only its own merge chain (entity or deployment)."""
    survivor, seen = record_id, {record_id}
    while (up := session.scalar(select(table.merged_into).where(table.id == survivor))) is not None and up not in seen:
        survivor = up
        seen.add(up)
    return survivor


def deployment_group(session: Session, deployment_id: int) -> tuple[int, list[int]]:
    """One deployment's live record and its stored members, by walking only its own merges: a record
    page must not read every merge of a large register."""
    survivor = _survivor(session, t.Deployment, deployment_id)
    members, frontier = [survivor], [survivor]
    while frontier:
        frontier = [i for i in session.scalars(select(t.Deployment.id).where(t.Deployment.merged_into.in_(frontier)))
                    if i not in members]
        members += frontier
    return survivor, members


def deployment_survivor(session: Session, deployment_id: int) -> int:
    """The live deployment a stored one belongs to, by walking only its own merge chain."""
    return _survivor(session, t.Deployment, deployment_id)


def deployment_members(survivor: int) -> CTE:
    """The stored deployments a live one stands for (itself included), as a recursive query on the
    merge column: a statement reads a program's claims through it instead of binding each of its
    hundreds of member ids (UNION, not UNION ALL: a chain that loops stops where it repeats)."""
    members = select(literal(survivor, Integer).label("id")).cte("members", recursive=True)
    return members.union(select(t.Deployment.id).join(members, t.Deployment.merged_into == members.c.id))


def live_deployments(session: Session, ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """The live record (id, name) of each of these deployments, following only their own merges: a
    search page maps its hits without reading every merge of the register."""
    at = {i: i for i in ids}
    seen = {i: {i} for i in at}  # a chain that loops (no merge makes one) stops where it would repeat, as _survivor does
    moving = set(at)
    while moving:
        up = dict(session.execute(select(t.Deployment.id, t.Deployment.merged_into).where(
            t.Deployment.id.in_({at[i] for i in moving}), t.Deployment.merged_into.isnot(None))).all())
        moving = {i for i in moving if at[i] in up and up[at[i]] not in seen[i]}
        for i in moving:
            at[i] = up[at[i]]
            seen[i].add(at[i])
    names = dict(session.execute(select(t.Deployment.id, t.Deployment.name).where(t.Deployment.id.in_(set(at.values())))).all()) \
        if at else {}
    return {i: (j, names.get(j, "")) for i, j in at.items()}


def entity_named(session: Session, name: str) -> int | None:
    """The live entity with this normalised name or alias (oldest first), for a value an editor types:
    the rule the writer resolves extracted names by."""
    k = key(name)
    if not k:
        return None
    found = session.scalar(select(t.Entity.id).where(t.Entity.key == k).order_by(t.Entity.id)) or \
        session.scalar(select(t.Alias.entity_id).where(t.Alias.key == k).order_by(t.Alias.entity_id))
    return _survivor(session, t.Entity, found) if found is not None else None  # its own chain, not every merge
