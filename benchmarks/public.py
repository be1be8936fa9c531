"""What an anonymous visitor waits for on a built register: searches and record pages through the API with
the public viewer (run.py measures as a local editor), and, in-process, public search with the review
status intersected in the index against the same filter checked on each row.

Usage: python benchmarks/public.py --database URL
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from dataclasses import replace

from fastapi.testclient import TestClient
from sqlalchemy import text

from counterwatch.query import search as S
from counterwatch.query.viewer import public_viewer
from counterwatch.store import connect
from counterwatch.web.app import create_app

WORDS = ["face recognition", "drones", "Lagos", "spyware", "licence plate readers", "police", "iris",
         "Human Rights Watch", "cameras supplied", "gunshot", "Hikvision", "protest", "ministry of interior", "border"]


def _p50_p95(ms: list[float]) -> tuple[float, float]:
    return round(statistics.median(ms), 1), round(statistics.quantiles(ms, n=20)[-1], 1)


def through_api(engine, rng: random.Random) -> dict:
    with engine.connect() as c:
        deps = list(c.scalars(text("SELECT id FROM deployment WHERE merged_into IS NULL ORDER BY id")))
        ents = list(c.scalars(text("SELECT id FROM entity WHERE merged_into IS NULL ORDER BY id")))
    client = TestClient(create_app(engine), base_url="http://127.0.0.1")
    out = {}
    for kind, paths in (("search", [f"/api/search?q={w}" for w in rng.choices(WORDS, k=100)]),
                        ("deployment", [f"/api/deployments/{i}" for i in rng.sample(deps, min(150, len(deps)))]),
                        ("entity", [f"/api/entities/{i}" for i in rng.sample(ents, min(150, len(ents)))])):
        ms = []
        for p in paths:
            t0 = time.perf_counter()
            assert client.get(p).status_code in (200, 404), p
            ms.append((time.perf_counter() - t0) * 1000)
        out[kind] = _p50_p95(ms)
    return out


def status_in_index(engine, rng: random.Random) -> dict:
    public = public_viewer(engine)
    by_row = replace(public, statuses=(*public.statuses, *public.statuses))  # the same filter, not through the index
    queries = [rng.choice(WORDS) for _ in range(150)]
    out = {}
    for turn in range(2):
        for name, viewer in (("index", public), ("row", by_row)):
            ms, hits = [], 0
            for q in queries:
                t0 = time.perf_counter()
                hits += len(S.search(engine, viewer, q))
                ms.append((time.perf_counter() - t0) * 1000)
            out[f"{name} {turn}"] = {"p50_p95_ms": _p50_p95(ms), "hits": hits}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database", required=True)
    args = ap.parse_args()
    engine = connect(args.database)
    print(json.dumps({"api": through_api(engine, random.Random(7)), "search_status": status_in_index(engine, random.Random(7))}, indent=1))


if __name__ == "__main__":
    main()
