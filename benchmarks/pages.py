"""Server time of the web pages and API on the dev documents: prints p50/p95 per route (ms).

Usage: python benchmarks/pages.py [--docs ../shared/devset/docs] [--rounds 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from counterwatch.extract import Extractor
from counterwatch.ingest.readers import iter_sources
from counterwatch.store import connect, store_extraction
from counterwatch.web.app import create_app

ROUTES = ["/", "/search?q=iris", "/deployments/1", "/entities/1", "/sources/1", "/map", "/network",
          "/api/search?q=DNA", "/api/deployments/1", "/api/map", "/api/network", "/api/timeline", "/api/stats"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", default=str(Path(__file__).resolve().parents[2] / "shared" / "devset" / "docs"))
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = connect(f"sqlite:///{tmp}/bench.sqlite")
        extractor = Extractor()
        for src in iter_sources([args.docs]):
            store_extraction(engine, src, extractor(src))
        client = TestClient(create_app(engine))
        every = []
        for route in ROUTES:
            client.get(route)
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                assert client.get(route).status_code == 200, route
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            every += times
            print(f"{route:28} p50 {statistics.median(times):6.1f} ms  p95 {times[int(len(times) * .95) - 1]:6.1f} ms")
        every.sort()
        print(f"{'all routes':28} p50 {statistics.median(every):6.1f} ms  p95 {every[int(len(every) * .95) - 1]:6.1f} ms")


if __name__ == "__main__":
    main()
