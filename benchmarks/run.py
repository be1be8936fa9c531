"""`make bench`: ingest throughput against bare spaCy on the same texts, peak memory of the whole
process tree, database size, search / path / record-API latency, on SQLite and PostgreSQL.
Prints and writes JSON.

Usage: python benchmarks/run.py [--docs 10000] [--workers 2] [--pg URL] [--out benchmarks/results.json]
       python benchmarks/run.py --queries-only --database URL   (latency figures of an existing register)

Baselines run the model package alone (no gazetteer, no rules, no store) over a sample of the same
generated reports, in whichever of one process or --workers processes is faster for it:
"bare NER" keeps only spaCy's `ner` component, "bare model" the full pipeline our extraction needs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import spacy

sys.path.insert(0, str(Path(__file__).parent))
from corpus import POOLS, generate  # noqa: E402

from counterwatch.extract.nlp import MODEL_PACKAGES  # noqa: E402
from counterwatch.ingest.source import Source  # noqa: E402
from counterwatch.pipeline.intake import finish, ingest  # noqa: E402
from counterwatch.query.paths import AmbiguousName, UnknownName, between, prepare  # noqa: E402
from counterwatch.query.search import search  # noqa: E402
from counterwatch.query.viewer import STAFF  # noqa: E402
from counterwatch.store import connect  # noqa: E402
from counterwatch.store.writer import stats  # noqa: E402

SEARCHES = 200
PATHS = 200
RECORDS = 200


class PeakRSS:
    """Samples the memory of a process (this one by default) and all its children (workers) together:
    the sum of RSS (counts pages forked workers share with their parent once per process: an upper
    bound) and the sum of PSS (shares them out: what the tree really holds)."""

    def __init__(self, pid: int | None = None, interval: float = 0.5) -> None:
        self.pid, self.peak, self.peak_pss, self.interval = pid, 0, 0, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            me = psutil.Process(self.pid)
        except psutil.Error:  # already gone
            return
        while not self._stop.is_set():
            rss = pss = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    info = p.memory_full_info()
                    rss, pss = rss + info.rss, pss + info.pss
                except psutil.Error:
                    pass
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> int:
        return round(self.peak / 2**20)

    @property
    def pss_mb(self) -> int:
        return round(self.peak_pss / 2**20)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 2)


def latency(values: list[float]) -> dict:
    return {"p50": pct(values, .5), "p95": pct(values, .95), "p99": pct(values, .99), "n": len(values)}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def bare_spacy(texts: list[str], workers: int) -> dict:
    """Words/s of the model package alone, `ner` only and the full pipeline, on as many processes as
    the ingest gets (spaCy's own n_process)."""
    words = sum(len(t.split()) for t in texts)
    package = next(p for p in MODEL_PACKAGES if spacy.util.is_package(p))
    out = {}
    for name, exclude in (("ner", ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]), ("model", [])):
        nlp = spacy.load(package, exclude=exclude)
        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64, n_process=workers):
            pass
        wps = words / (time.perf_counter() - t)
        out[f"bare_{name}_words_per_s"] = round(wps)
        log(f"bare spaCy {name}: {wps:,.0f} words/s")
    return out


def corpus_sources(n: int, counter: dict) -> Iterator[Source]:
    for name, text in generate(n):
        counter["words"] += len(text.split())
        yield Source(uri=f"bench://{name}", text=text)


def bench_ingest(url: str, n: int, workers: int) -> dict:
    engine = connect(url)
    counter = {"words": 0}
    step, t0 = max(1, n // 20), time.perf_counter()

    def done(_item, _outcome) -> None:
        counter["docs"] = counter.get("docs", 0) + 1
        if counter["docs"] % step == 0:
            secs = time.perf_counter() - t0
            log(f"  ingest {counter['docs']:,}/{n:,} docs, {counter['words'] / secs:,.0f} words/s, {secs:,.0f} s")

    with PeakRSS() as rss:
        tally = ingest(engine, corpus_sources(n, counter), workers, on_done=done)
        merged = finish(engine)
    secs = time.perf_counter() - t0
    figures = stats(engine)
    per_report = {"deployments_per_report_before": round(figures["deployments"] / max(1, figures["sources"]), 3),
                  "deployments_per_report_after": round(figures["programs"] / max(1, figures["sources"]), 3)}
    log(f"  deployments per report: {per_report['deployments_per_report_before']} extracted, "
        f"{per_report['deployments_per_report_after']} after resolution")
    return {"ingest_seconds": round(secs, 1), "ingest_words_per_s": round(counter["words"] / secs),
            "ingest_docs_per_s": round(n / secs, 1), "ingest_peak_rss_mb": rss.mb, "ingest_peak_pss_mb": rss.pss_mb,
            "entities_auto_merged": merged, **per_report,
            "outcomes": {k: v for k, v in tally.items() if k != "claims"}, "words": counter["words"]}


def bench_queries(url: str) -> dict:
    """Latency of what users do, through the same functions the API and pages call."""
    load = os.getloadavg()  # other work on the machine: latency on 2 shared cores is read against it
    with PeakRSS() as rss:
        out = _queries(url)
    out["load_average"] = {"before": [round(x, 2) for x in load], "after": [round(x, 2) for x in os.getloadavg()]}
    from counterwatch.query import graph
    graph.clear_cache()  # the next database's figures start from nothing kept
    return out | {"queries_peak_rss_mb": rss.mb}


def _queries(url: str) -> dict:
    from fastapi.testclient import TestClient

    from counterwatch.web.app import create_app

    engine = connect(url)
    rng = random.Random(11)
    out: dict = {"register": stats(engine)}
    per = out["register"]
    out["deployments_per_report"] = {"before": round(per["deployments"] / max(1, per["sources"]), 3),
                                     "after": round(per["programs"] / max(1, per["sources"]), 3)}
    out |= searches(engine, rng)

    from counterwatch.query import graph
    t = time.perf_counter()  # what the first question after a write pays: the graph, its name index and views
    g = graph.build(engine, STAFF)
    simple, _ = prepare(g)
    out["path_graph_build_s"] = round(time.perf_counter() - t, 2)
    linked = sorted(n for n in simple if simple.degree(n))
    label = lambda n: g.nodes[n]["label"]  # noqa: E731
    out["path_graph"] = {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    for kind in ("random", "linked"):  # any two actors, and two a walk of 2-4 hops joins
        lat, found, unresolved = [], 0, 0
        for _ in range(PATHS // 2):
            if kind == "random":
                a, b = rng.choice(linked), rng.choice(linked)
            else:
                a = b = rng.choice(linked)
                for _ in range(rng.randint(2, 4)):
                    b = rng.choice(list(simple[b]))
            t = time.perf_counter()
            try:
                found += bool(between(engine, STAFF, label(a), label(b))["paths"])
            except (AmbiguousName, UnknownName):
                unresolved += 1
            lat.append((time.perf_counter() - t) * 1000)
        out[f"path_{kind}_pairs_ms"] = latency(lat) | {"with_path": found, "ambiguous_names": unresolved}
        log(f"  path ({kind} pairs) p95 {out[f'path_{kind}_pairs_ms']['p95']} ms, {found} with a path")
    log(f"  path graph built in {out['path_graph_build_s']} s")

    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1")  # open editing: loopback only
    top = {kind: out["register"][kind] for kind in ("deployments", "entities")}
    lat = []
    for _ in range(RECORDS):
        kind = rng.choice(["deployments", "entities"])
        t = time.perf_counter()
        r = client.get(f"/api/{kind}/{rng.randint(1, max(1, top[kind]))}")
        lat.append((time.perf_counter() - t) * 1000)
        assert r.status_code in (200, 404), r.text
    out["record_api_ms"] = latency(lat)
    log(f"  record API p95 {out['record_api_ms']['p95']} ms")
    out |= record_pages(engine, client, rng)
    return out


def searches(engine, rng: random.Random) -> dict:
    """SEARCHES queries (technology phrases, places, actors, cue words), with and without a facet."""
    words = POOLS["technologies"] + ["Nairobi", "Lagos", "protesters", "contract", "iris", "denied", "Kestrel",
                                     "Human Rights Watch", "licence plate", "leaked documents"]
    facets = [{}, {"certainty": "alleged"}, {"technology": "face_recognition"}, {"year": 2019}]
    lat, timed = [], []
    for _ in range(SEARCHES):
        q, f = rng.choice(words), rng.choice(facets)
        t = time.perf_counter()
        search(engine, STAFF, q, **f)
        lat.append((time.perf_counter() - t) * 1000)
        timed.append((round(lat[-1], 1), q, f))
    out = {"search_ms": latency(lat),
           "search_slowest": [{"ms": ms, "q": q, **f} for ms, q, f in sorted(timed, key=lambda x: -x[0])[:5]]}
    log(f"  search p95 {out['search_ms']['p95']} ms")
    return out


def record_pages(engine, client, rng: random.Random) -> dict:
    """Record pages by kind through the API: any stored deployment (a merged one answers with its
    program), the programs several deployments were merged into (largest first is what readers open:
    half the requests go to the 20 largest), and entities."""
    from sqlalchemy import text
    with engine.connect() as conn:
        count = lambda sql: conn.scalar(text(sql)) or 1  # noqa: E731
        top = {"deployments": count("SELECT max(id) FROM deployment"), "entities": count("SELECT max(id) FROM entity")}
        programs = [tuple(r) for r in conn.execute(text(
            "SELECT merged_into, count(*) FROM deployment WHERE merged_into IS NOT NULL "
            "GROUP BY merged_into ORDER BY count(*) DESC, merged_into"))]
    out: dict = {"programs_with_members": len(programs),
                 "largest_program_members": programs[0][1] + 1 if programs else 0}
    picks = {"deployment": lambda: f"deployments/{rng.randint(1, top['deployments'])}",
             "entity": lambda: f"entities/{rng.randint(1, top['entities'])}"}
    if programs:
        picks["program"] = lambda: f"deployments/{rng.choice(programs[:20] if rng.random() < .5 else programs)[0]}"
    for kind, pick in picks.items():
        lat = []
        for _ in range(RECORDS):
            path = pick()
            t = time.perf_counter()
            r = client.get(f"/api/{path}")
            lat.append((time.perf_counter() - t) * 1000)
            assert r.status_code in (200, 404), r.text
        out[f"record_{kind}_ms"] = latency(lat)
        log(f"  record page ({kind}) p95 {out[f'record_{kind}_ms']['p95']} ms")
    return out


def db_mb(url: str, path: Path | None) -> float:
    if path is not None:
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    from sqlalchemy import text
    with connect(url).connect() as conn:
        return conn.scalar(text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                                "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'")) / 2**20


def bench_database(url: str, n: int, workers: int, path: Path | None = None) -> dict:
    out = bench_ingest(url, n, workers)
    out["db_mb"] = round(db_mb(url, path), 1)
    out["db_mb_per_1k_docs"] = round(out["db_mb"] / n * 1000, 1)
    return out | bench_queries(url)


def pg_schema(url: str):
    """A private schema of the server, dropped afterwards, so runs never see each other's data."""
    from contextlib import contextmanager

    from sqlalchemy import create_engine, text

    @contextmanager
    def scope():
        schema = f"bench_{os.getpid()}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    return scope()


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"{cpu}, {os.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB, "
            f"Python {platform.python_version()}, spaCy {spacy.__version__}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--baseline-docs", type=int, default=1000, help="sample of the corpus the baselines run on")
    ap.add_argument("--pg", help="PostgreSQL URL to benchmark as well")
    ap.add_argument("--queries-only", action="store_true", help="only latency figures of --database")
    ap.add_argument("--database", help="register URL for --queries-only")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = ap.parse_args()
    started = time.perf_counter()
    result: dict = {"machine": machine(), "docs": args.docs, "workers": args.workers}
    if args.queries_only:
        result = {"machine": machine(), "database": args.database} | bench_queries(args.database)
    else:
        sample = [text for _, text in generate(min(args.docs, args.baseline_docs))]
        result |= bare_spacy(sample, args.workers)
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.sqlite"
            log(f"SQLite, {args.docs:,} docs, {args.workers} workers")
            result["sqlite"] = bench_database(f"sqlite:///{db}", args.docs, args.workers, db)
        if args.pg:
            log(f"PostgreSQL, {args.docs:,} docs, {args.workers} workers")
            with pg_schema(args.pg) as url:
                result["postgresql"] = bench_database(url, args.docs, args.workers)
        result["words"] = result["sqlite"]["words"]
        for db_name in ("sqlite", "postgresql"):
            if db_name in result:
                wps = result[db_name]["ingest_words_per_s"]
                result[db_name]["vs_bare_ner"] = round(wps / result["bare_ner_words_per_s"], 2)
                result[db_name]["vs_bare_model"] = round(wps / result["bare_model_words_per_s"], 2)
        for figure in ("peak_rss_mb", "peak_pss_mb"):
            result[figure] = max(result[d][f"ingest_{figure}"] for d in ("sqlite", "postgresql") if d in result)
    result["bench_seconds"] = round(time.perf_counter() - started)
    text = json.dumps(result, indent=2, default=float)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
