"""Path-query latency on a synthetic actor graph of about 1M edges (p50/p95/p99 in ms).

The graph mimics the register: many small actors, a few hubs (agencies, vendors), edges carrying a
claim. Usage: python benchmarks/paths.py [--edges 1000000] [--queries 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import networkx as nx

from counterwatch.query.graph import EdgeClaim
from counterwatch.query.paths import paths, views
from counterwatch.register import REGISTER


def synthetic(edges: int, seed: int) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    nodes = edges // 5
    hubs = max(10, nodes // 1000)
    g = nx.MultiDiGraph()
    levels = list(REGISTER.certainties)
    for i in range(nodes):
        g.add_node(f"n{i}", label=f"actor {i}", kind="organization", aliases=[])
    for j in range(edges):
        u = f"n{rng.randrange(nodes)}"
        v = f"n{rng.randrange(hubs)}" if rng.random() < 0.3 else f"n{rng.randrange(nodes)}"
        level = levels[rng.randrange(4)]
        g.add_edge(u, v, weight=REGISTER.weight(level),
                   claim=EdgeClaim("collaborates_with", level, j % 1000, "source", "quote", j))
    return g


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    t0 = time.perf_counter()
    g = synthetic(args.edges, args.seed)
    simple, _ = views(g)
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, built in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(args.seed + 1)
    nodes = list(simple.nodes)
    for k in (1, 3):
        times = []
        for _ in range(args.queries):
            a, b = rng.choice(nodes), rng.choice(nodes)
            t = time.perf_counter()
            paths(g, a, b, k=k)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        q = lambda p: times[min(len(times) - 1, int(len(times) * p))]  # noqa: E731
        print(f"k={k}: p50 {q(0.5):.1f} ms  p95 {q(0.95):.1f} ms  p99 {q(0.99):.1f} ms over {args.queries} queries")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
