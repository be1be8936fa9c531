"""'How close is X to Y?': the k best paths between two names, every hop a cited claim.

Paths are ranked by hop count, then by credibility (register.yml's certainty weights: documented <
reported < alleged < speculative in cost); denied hops are left out unless asked for. Names resolve by exact name or alias, then fuzzy
match; several equally good matches are reported as ambiguous, never guessed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import islice

import networkx as nx
from rapidfuzz import fuzz, process

from counterwatch.names import key
from counterwatch.query.graph import EdgeClaim
from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER

FUZZY_MIN = 85  # rapidfuzz WRatio a name must reach to count as a match
DEFAULT_K = 3
DEFAULT_MAX_HOPS = 6


class AmbiguousName(LookupError):
    def __init__(self, name: str, candidates: list[str]) -> None:
        super().__init__(f"{name!r} is ambiguous: {', '.join(candidates[:8])}")
        self.candidates = candidates


class UnknownName(LookupError):
    pass


@dataclass
class Hop:
    source: str
    target: str
    predicate: str
    certainty: str
    source_title: str | None
    source_id: int
    quote: str
    claim_id: int


def resolve(g: nx.MultiDiGraph, name: str, hide_protected: bool = False) -> str:
    """The node a name stands for (exact name or alias first, then fuzzy); ambiguity is an error.
    `hide_protected` (a redacting viewer): protected persons answer as unknown names do, so the
    look-up cannot confirm that one exists."""
    by_key, labels = _name_index(g, hide_protected)
    exact = by_key.get(key(name), [])
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousName(name, [g.nodes[n]["label"] for n in exact])
    found = process.extract(name, labels, scorer=fuzz.WRatio, limit=5, score_cutoff=FUZZY_MIN)
    if not found:
        raise UnknownName(f"no actor or program matches {name!r}")
    best = found[0][1]
    ties = [f for f in found if f[1] >= best - 2]
    if len(ties) > 1:
        raise AmbiguousName(name, [f[0] for f in ties])
    return found[0][2]


def _name_index(g: nx.MultiDiGraph, hide_protected: bool = False) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Nodes by normalised name or alias, and every node's label (protected persons left out when
    hidden); kept on the graph like its undirected view, so a question costs a look-up, not a pass
    over every node."""
    slot = ("names", hide_protected)
    if slot not in g.graph:
        nodes = [(n, d) for n, d in g.nodes(data=True) if not (hide_protected and d["protected"])]
        by_key: dict[str, list[str]] = {}
        for n, d in nodes:
            for k in dict.fromkeys(key(x) for x in [d["label"], *d["aliases"]]):
                by_key.setdefault(k, []).append(n)
        g.graph[slot] = (by_key, {n: d["label"] for n, d in nodes})
    return g.graph[slot]


def _best_claim(g: nx.MultiDiGraph, u: str, v: str) -> tuple[EdgeClaim, bool]:
    """The most credible claim linking u and v, and whether it is stated from v to u."""
    data = [(d["claim"], False) for d in (g.get_edge_data(u, v) or {}).values()]
    data += [(d["claim"], True) for d in (g.get_edge_data(v, u) or {}).values()]
    return min(data, key=lambda cr: REGISTER.rank(cr[0].certainty))


def between(engine, viewer: Viewer, start: str, goal: str, k: int = DEFAULT_K, max_hops: int = DEFAULT_MAX_HOPS,
            include_denied: bool = False) -> dict:
    """The question as `viewer` asks it, by names: {"from", "to", "paths"} over the claims the viewer
    sees, redacted for it; AmbiguousName or UnknownName when a name does not point at one node."""
    from counterwatch.query import graph

    g = graph.build(engine, viewer, include_denied=include_denied)
    hide = bool(viewer.redactor)
    a, b = resolve(g, start, hide), resolve(g, goal, hide)
    return viewer.scrub({"from": g.nodes[a]["label"], "to": g.nodes[b]["label"],
                         "paths": paths(g, a, b, k=k, max_hops=max_hops)})


def undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """One edge per linked pair, weighted by its most credible claim; build once per graph."""
    best: dict[tuple[str, str], float] = {}
    for u, v, w in g.edges(data="weight"):
        pair = (u, v) if u < v else (v, u)
        if w < best.get(pair, float("inf")):
            best[pair] = w
    simple = nx.Graph()
    simple.add_weighted_edges_from((u, v, w) for (u, v), w in best.items())
    return simple


def views(g: nx.MultiDiGraph) -> tuple[nx.Graph, nx.Graph]:
    """The undirected graph and its 2-core, kept on the graph (graph.build keeps it per register state).

    Why the core: every simple path between two core nodes stays inside it, and what the core drops
    are trees (most deployments hang off one operator), each joined to the core by one edge, so a
    path from a tree node enters the core by one fixed chain. Searching the core alone spares Yen's
    algorithm the thousands of dead ends around every much-named operator."""
    if "core" not in g.graph:
        simple = undirected(g)
        g.graph["undirected"], g.graph["core"] = simple, nx.k_core(simple, 2)
    return g.graph["undirected"], g.graph["core"]


def prepare(g: nx.MultiDiGraph) -> tuple[nx.Graph, nx.Graph]:
    """Everything a question reads besides the graph (name index, undirected view, 2-core), built now
    rather than by the first question; returns the views."""
    _name_index(g)
    _name_index(g, True)
    return views(g)


def _chain(simple: nx.Graph, core: nx.Graph, node: str, goal: str) -> list[str] | None:
    """The tree path from a node outside the core to the core node that joins its tree (or to `goal`
    when it lies on that tree, or None when the tree joins no core); [node] for a core node."""
    if node in core:
        return [node]
    parent, queue = {node: None}, [node]
    for u in queue:  # breadth first over the tree only: its nodes are outside the core
        for v in simple[u]:
            if v in parent:
                continue
            parent[v] = u
            if v == goal or v in core:
                chain = [v]
                while parent[chain[-1]] is not None:
                    chain.append(parent[chain[-1]])
                return chain[::-1]
            queue.append(v)
    return None


def paths(g: nx.MultiDiGraph, start: str, goal: str, k: int = DEFAULT_K, max_hops: int = DEFAULT_MAX_HOPS) -> list[dict]:
    """Up to k simple paths, shortest first and the most credible among equally short ones."""
    simple, core = views(g)
    if start not in simple or goal not in simple or start == goal:
        return []
    head = _chain(simple, core, start, goal)
    if head is None:
        return []
    if head[-1] == goal:  # on one tree: the only path there is
        candidates = iter([head])
    else:
        tail = _chain(simple, core, goal, start)
        if tail is None:
            return []
        if tail[-1] == start:  # start is the core node that joins goal's tree
            candidates = iter([tail[::-1]])
        else:
            a, b = head[-1], tail[-1]
            middle = iter([[a]]) if a == b else nx.shortest_simple_paths(core, a, b)  # by hop count
            candidates = (head[:-1] + nodes + tail[-2::-1] for nodes in middle)
    out: list[dict] = []
    try:
        for nodes in islice(candidates, k * 5):
            if len(nodes) - 1 > max_hops or (len(out) >= k and len(nodes) - 1 > out[k - 1]["hops"]):
                break  # longer than every path still to come could beat
            hops = []
            for u, v in zip(nodes, nodes[1:]):
                c, reverse = _best_claim(g, u, v)
                subj, obj = (v, u) if reverse else (u, v)  # the claim's own direction, whichever way we walk
                hops.append(Hop(g.nodes[subj]["label"], g.nodes[obj]["label"], c.predicate, c.certainty,
                                c.source_title, c.source_id, c.quote, c.claim_id))
            cost = sum(simple[u][v]["weight"] for u, v in zip(nodes, nodes[1:]))
            out.append({"hops": len(hops), "cost": round(cost, 2), "path": [asdict(h) for h in hops]})
    except nx.NetworkXNoPath:
        pass
    out.sort(key=lambda p: (p["hops"], p["cost"]))
    return out[:k]
