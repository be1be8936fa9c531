"""The actor network as a graph: entities and deployments as nodes; relations and the edges of
entity-valued fields (register.yml: operates, supplies) as edges, each carrying the claims (certainty,
source, quote) it rests on and weighted by their certainty."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from counterwatch.query.viewer import ALL_STATUSES, Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t
from counterwatch.store import survivors


@dataclass(slots=True)  # one per claim edge: at 100k reports, hundreds of thousands of them
class EdgeClaim:
    predicate: str
    certainty: str
    source_id: int
    source_title: str | None
    quote: str
    claim_id: int


def build(engine: Engine, viewer: Viewer, include_denied: bool = False) -> nx.MultiDiGraph:
    """Graph of the claims `viewer` may see (rejected ones never make an edge); denied claims only when
    asked. A viewer who does not see every status gets only the nodes a visible claim supports.

    Built once per register state and kept: at 100k reports a build takes seconds, a path query must not.
    """
    stamp = register_stamp(engine)
    statuses = tuple(s for s in viewer.statuses if s != "rejected")
    # the URL without its password: a cache key is no place for a secret
    cache_key = (engine.url.render_as_string(hide_password=True), statuses, viewer.statuses == ALL_STATUSES,
                 include_denied)
    hit = _CACHE.get(cache_key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    g = _build(engine, statuses, include_denied, every_node=viewer.statuses == ALL_STATUSES)
    _CACHE[cache_key] = (stamp, g)
    return g


_CACHE: dict[tuple, tuple[tuple, nx.MultiDiGraph]] = {}


def clear_cache() -> None:
    """Forget every kept graph (the memory is freed; the next question builds anew)."""
    _CACHE.clear()


def register_stamp(engine: Engine) -> tuple:
    """Changes whenever the graph could: every write adds a claim, a revision or an audit entry."""
    with engine.connect() as conn:
        return tuple(conn.scalar(select(func.max(col))) for col in (t.Claim.id, t.Revision.id, t.AuditEntry.id))


def _build(engine: Engine, statuses: tuple[str, ...], include_denied: bool, every_node: bool) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    with Session(engine) as session:
        live = survivors.load(session)  # merged entities and deployments are their survivors' nodes
        titles = dict(session.execute(select(t.Source.id, t.Source.title)).all())
        entities = session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None))
                                   .options(selectinload(t.Entity.aliases))).all()
        g.add_nodes_from((f"e{e.id}", {"label": e.name, "kind": e.type, "aliases": [a.name for a in e.aliases],
                                      "protected": e.type == "person" and e.protected})
                         for e in entities)
        g.add_nodes_from((f"d{d_id}", {"label": d_name, "kind": "deployment", "aliases": [], "protected": False})
                         for d_id, d_name in session.execute(select(t.Deployment.id, t.Deployment.name)
                                                             .where(t.Deployment.merged_into.is_(None))))
        relations = {r.id: (r.subject_id, r.object_id, r.predicate) for r in session.scalars(select(t.Relation))}
        edge_claims = or_(t.Claim.record_type == "relation",
                          and_(t.Claim.record_type == "deployment", t.Claim.field.in_(list(REGISTER.entity_fields)),
                               t.Claim.entity_id.isnot(None)))
        claims = session.execute(select(t.Claim.id, t.Claim.record_type, t.Claim.record_id, t.Claim.field,
                                        t.Claim.entity_id, t.Claim.certainty, t.Claim.source_id, t.Claim.quote)
                                 .where(t.Claim.status.in_(statuses), edge_claims))
        edges = []  # added in one call: networkx's per-edge add_edge was most of the build
        for c in claims:
            if c.certainty == REGISTER.denied and not include_denied:
                continue
            if c.record_type == "relation" and c.record_id in relations:
                s_id, o_id, pred = relations[c.record_id]
                u, v = f"e{live.entity(s_id)}", f"e{live.entity(o_id)}"
            elif c.record_type == "deployment":
                u, v = f"e{live.entity(c.entity_id)}", f"d{live.deployment(c.record_id)}"
                pred = REGISTER.entity_fields[c.field].edge
            else:
                continue
            edges.append((u, v, {"claim": EdgeClaim(pred, c.certainty, c.source_id, titles.get(c.source_id), c.quote,
                                                    c.id), "weight": REGISTER.weight(c.certainty)}))
        edges = [e for e in edges if e[0] in g and e[1] in g]  # an entity id with no row stays out
        if not every_node:  # a node no visible claim supports does not exist for this viewer
            supported = {f"e{live.entity(i)}" if kind == "e" else f"d{live.deployment(i)}" for kind, i in session.execute(
                select(func.substr(t.Claim.record_type, 1, 1), t.Claim.record_id)
                .where(t.Claim.status.in_(statuses), t.Claim.record_type.in_(["entity", "deployment"])).distinct())}
            supported |= {n for u, v, _ in edges for n in (u, v)}
            g.remove_nodes_from([n for n in list(g.nodes) if n not in supported])
    g.add_edges_from(edges)
    return g
