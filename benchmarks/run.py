"""`make bench`: ingest throughput against bare spaCy, peak memory, database size, search and path
latency, record-page server time, on SQLite (and PostgreSQL with --pg). Prints and writes JSON.

Usage: python benchmarks/run.py [--docs 1000] [--pg URL] [--out benchmarks/results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from counterwatch.extract import Extractor  # noqa: E402
from counterwatch.extract.nlp import load_nlp  # noqa: E402
from counterwatch.ingest import Source  # noqa: E402
from counterwatch.query import graph  # noqa: E402
from counterwatch.query.paths import paths, undirected  # noqa: E402
from counterwatch.query.search import search  # noqa: E402
from counterwatch.store import connect, store_extraction  # noqa: E402
from counterwatch.store.writer import stats  # noqa: E402

QUERIES = ["facial recognition", "drones", "spyware", "Lyon", "protesters", "contract", "iris", "denied"]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 2)


def bench_db(url: str, docs: list[tuple[str, str]], extractor: Extractor) -> dict:
    engine = connect(url)
    words = sum(len(t.split()) for _, t in docs)
    t0 = time.perf_counter()
    for name, text in docs:
        src = Source(uri=f"bench://{name}", text=text)
        store_extraction(engine, src, extractor(src))
    secs = time.perf_counter() - t0
    out = {"ingest_words_per_s": round(words / secs), "ingest_docs_per_s": round(len(docs) / secs, 1),
           "stats": stats(engine)}
    lat = []
    for q in QUERIES * 10:
        t = time.perf_counter()
        search(engine, q)
        lat.append((time.perf_counter() - t) * 1000)
    out["search_ms"] = {"p50": pct(lat, .5), "p95": pct(lat, .95), "p99": pct(lat, .99)}
    g = graph.build(engine, include_proposed=True)
    simple = undirected(g)
    nodes, rng, lat = list(simple.nodes), random.Random(1), []
    for _ in range(100):
        t = time.perf_counter()
        paths(g, rng.choice(nodes), rng.choice(nodes), k=3, simple=simple)
        lat.append((time.perf_counter() - t) * 1000)
    out["path_ms"] = {"p50": pct(lat, .5), "p95": pct(lat, .95)}
    from fastapi.testclient import TestClient

    from counterwatch.web.app import create_app
    client, lat = TestClient(create_app(engine, open_editing=True)), []
    for i in range(1, 101):
        t = time.perf_counter()
        client.get(f"/api/deployments/{i}")
        lat.append((time.perf_counter() - t) * 1000)
    out["record_api_ms"] = {"p95": pct(lat, .95)}
    return out


def bench_pg(url: str, docs: list[tuple[str, str]], extractor: Extractor) -> dict:
    """On a private schema of the server, dropped afterwards, so runs never see each other's data."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        sep = "&" if "?" in url else "?"
        return bench_db(f"{url}{sep}options=-csearch_path%3D{schema}", docs, extractor)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--pg", help="PostgreSQL URL to benchmark as well")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = ap.parse_args()
    docs = list(generate(args.docs))
    words = sum(len(t.split()) for _, t in docs)
    nlp = load_nlp()
    t = time.perf_counter()
    for _ in nlp.pipe((t for _, t in docs), batch_size=64):
        pass
    spacy_wps = words / (time.perf_counter() - t)
    extractor = Extractor()
    result = {"machine": f"{platform.node()} {os.cpu_count()} cores, {platform.python_version()}",
              "docs": args.docs, "words": words, "bare_spacy_words_per_s": round(spacy_wps)}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        result["sqlite"] = bench_db(f"sqlite:///{db}", docs, extractor)
        result["sqlite"]["db_mb_per_1k_docs"] = round(db.stat().st_size / 2**20 / args.docs * 1000, 1)
    if args.pg:
        result["postgresql"] = bench_pg(args.pg, docs, extractor)
    result["ingest_vs_spacy"] = round(result["sqlite"]["ingest_words_per_s"] / spacy_wps, 2)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    text = json.dumps(result, indent=2)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
