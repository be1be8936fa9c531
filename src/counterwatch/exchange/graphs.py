"""GraphML and GEXF for Gephi: nodes and edges with plain attributes (the edge keeps its quote)."""

from __future__ import annotations

import io

import networkx as nx

from counterwatch.query.graph import build
from counterwatch.query.viewer import Viewer


def flat_graph(engine, viewer: Viewer) -> nx.MultiDiGraph:
    """Plain-attribute graph of what `viewer` sees, redacted for it."""
    g = build(engine, viewer)
    hide = viewer.redactor.text
    flat = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        flat.add_node(n, label=hide(d["label"]), kind=d["kind"], aliases="" if d["protected"] and viewer.redactor
                      else "; ".join(d["aliases"]))
    for u, v, d in g.edges(data=True):
        c = d["claim"]
        flat.add_edge(u, v, predicate=c.predicate, certainty=c.certainty, quote=hide(c.quote, whole=False),
                      source_id=c.source_id, source_title=hide(c.source_title or ""), weight=d["weight"])
    return flat


def to_graphml(engine, viewer: Viewer) -> str:
    buf = io.BytesIO()
    nx.write_graphml(flat_graph(engine, viewer), buf)
    return buf.getvalue().decode("utf-8")


def to_gexf(engine, viewer: Viewer) -> str:
    buf = io.BytesIO()
    nx.write_gexf(flat_graph(engine, viewer), buf)
    return buf.getvalue().decode("utf-8")
