"""The actor network as a graph: entities and deployments as nodes; relations, operates and supplies
as edges, each carrying the claims (certainty, source, quote) it rests on."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.extract.entities import key
from counterwatch.store import schema as t

CREDIBILITY = {"documented": 1.0, "reported": 1.5, "alleged": 3.0, "speculative": 5.0, "denied": 8.0}
REVIEWED = ("accepted",)
WITH_PROPOSED = ("accepted", "proposed")


@dataclass
class EdgeClaim:
    predicate: str
    certainty: str
    source_id: int
    source_title: str | None
    quote: str
    claim_id: int


def build(engine: Engine, include_proposed: bool = False, include_denied: bool = False) -> nx.MultiDiGraph:
    """Graph of accepted claims (and proposed ones on request); denied claims only when asked."""
    statuses = WITH_PROPOSED if include_proposed else REVIEWED
    g = nx.MultiDiGraph()
    with Session(engine) as session:
        titles = dict(session.execute(select(t.Source.id, t.Source.title)).all())
        entities = session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None))).unique().all()
        by_key = {}
        for e in entities:
            g.add_node(f"e{e.id}", label=e.name, kind=e.type, aliases=[a.name for a in e.aliases])
            for k in [e.key, *(a.key for a in e.aliases)]:
                by_key.setdefault(k, e.id)
        for d in session.scalars(select(t.Deployment)):
            g.add_node(f"d{d.id}", label=d.name, kind="deployment", aliases=[])
        claims = session.scalars(select(t.Claim).where(t.Claim.status.in_(statuses), t.Claim.record_type.in_(
            ["relation", "deployment"]))).all()
        relations = {r.id: r for r in session.scalars(select(t.Relation))}
        for c in claims:
            if c.certainty == "denied" and not include_denied:
                continue
            if c.record_type == "relation" and c.record_id in relations:
                r = relations[c.record_id]
                u, v, pred = f"e{r.subject_id}", f"e{r.object_id}", r.predicate
            elif c.record_type == "deployment" and c.field in ("operator", "supplier") and key(c.value) in by_key:
                u, v = f"e{by_key[key(c.value)]}", f"d{c.record_id}"
                pred = "operates" if c.field == "operator" else "supplies_to_deployment"
            else:
                continue
            g.add_edge(u, v, claim=EdgeClaim(pred, c.certainty, c.source_id, titles.get(c.source_id), c.quote, c.id),
                       weight=CREDIBILITY.get(c.certainty, 2.0))
    return g
