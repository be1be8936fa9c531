"""GraphML and GEXF for Gephi: nodes and edges with plain attributes (the edge keeps its quote)."""

from __future__ import annotations

import io

import networkx as nx

from counterwatch.exchange.snapshot import PROTECTED, protected_pattern
from counterwatch.query.graph import build


def flat_graph(engine, include_proposed: bool = True) -> nx.MultiDiGraph:
    """Plain-attribute graph; a public one (accepted claims only) redacts protected persons."""
    g = build(engine, include_proposed=include_proposed)
    pattern = None if include_proposed else protected_pattern(engine)
    hide = (lambda s: pattern.sub(PROTECTED, s)) if pattern else (lambda s: s)  # noqa: E731
    flat = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        flat.add_node(n, label=hide(d["label"]), kind=d["kind"], aliases=hide("; ".join(d["aliases"])))
    for u, v, d in g.edges(data=True):
        c = d["claim"]
        flat.add_edge(u, v, predicate=c.predicate, certainty=c.certainty, quote=hide(c.quote),
                      source_id=c.source_id, source_title=hide(c.source_title or ""), weight=d["weight"])
    return flat


def to_graphml(engine, include_proposed: bool = True) -> str:
    buf = io.BytesIO()
    nx.write_graphml(flat_graph(engine, include_proposed), buf)
    return buf.getvalue().decode("utf-8")


def to_gexf(engine, include_proposed: bool = True) -> str:
    buf = io.BytesIO()
    nx.write_gexf(flat_graph(engine, include_proposed), buf)
    return buf.getvalue().decode("utf-8")
