"""What an anonymous visitor waits for on a built register: searches and record pages through the API with
the public viewer (run.py measures as a local editor), and, in-process, public search with the review
status intersected in the index against the same filter checked on each row.

Usage: python benchmarks/public.py --database URL
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace

from fastapi.testclient import TestClient

from counterwatch.query import search as S
from counterwatch.query.viewer import public_viewer
from counterwatch.store import connect
from counterwatch.web.app import create_app
from run import latency, record_pages  # this folder's run.py: its record picks, as an anonymous client

WORDS = ["face recognition", "drones", "Lagos", "spyware", "licence plate readers", "police", "iris",
         "Human Rights Watch", "cameras supplied", "gunshot", "Hikvision", "protest", "ministry of interior", "border"]


def through_api(engine, rng: random.Random) -> dict:
    """run.py's record pages and 100 searches, through the API with no account: the public viewer."""
    client = TestClient(create_app(engine), base_url="http://127.0.0.1")
    ms = []
    for q in rng.choices(WORDS, k=100):
        t0 = time.perf_counter()
        assert client.get("/api/search", params={"q": q}).status_code == 200, q
        ms.append((time.perf_counter() - t0) * 1000)
    return {"search_ms": latency(ms), **record_pages(engine, client, rng)}


def status_in_index(engine, rng: random.Random) -> dict:
    """Public search in-process, the review status through the index against the same filter checked on
    each row, in alternate turns."""
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
            out[f"{name} {turn}"] = latency(ms) | {"hits": hits}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database", required=True)
    args = ap.parse_args()
    engine = connect(args.database)
    print(json.dumps({"api": through_api(engine, random.Random(7)), "search_status": status_in_index(engine, random.Random(7))}, indent=1))


if __name__ == "__main__":
    main()
