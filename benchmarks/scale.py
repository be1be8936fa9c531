"""The archive-scale run documented in RESULTS.md: N generated reports on disk, ingested by the real
`counterwatch ingest --workers W` command, killed with SIGKILL part-way, resumed, checked (no source
lost, none stored twice, none half-stored), then the latency figures of run.py on the full register.

Usage: python benchmarks/scale.py --docs 100000 --dir /var/tmp/cw-scale [--kill-at 0.4] [--workers 2]
       [--pg postgresql+psycopg://USER@HOST/DB]   (the register in a fresh schema `counterwatch_scale` of that
       server instead of an SQLite file in --dir; the schema is kept for later looks)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402
from run import PeakRSS, db_mb, log, machine  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

PG_SCHEMA = "counterwatch_scale"

COUNTERWATCH = Path(sys.executable).with_name("counterwatch")


def write_corpus(n: int, folder: Path) -> int:
    """Write the corpus once (a re-run reuses it); return its word count."""
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for name, text in generate(n):
        path = folder / f"{name}.txt"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


def stored(url: str) -> int:
    try:
        with create_engine(url, poolclass=NullPool).connect() as conn:  # no connection kept between looks
            return conn.scalar(text("SELECT count(*) FROM source"))
    except SQLAlchemyError:  # not created yet
        return 0


def run_ingest(corpus: Path, url: str, workers: int, kill_at: int | None, log_path: Path) -> dict:
    """One `counterwatch ingest` run; with kill_at, SIGKILL its process group once that many are stored."""
    cmd = [str(COUNTERWATCH), "ingest", str(corpus), "--workers", str(workers), "--database", url]
    t0 = time.perf_counter()
    with log_path.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    with PeakRSS(proc.pid) as rss:  # the command and its workers, not this script
        killed = False
        while proc.poll() is None:
            time.sleep(5)
            have = stored(url)
            log(f"  {have:,} sources stored, {time.perf_counter() - t0:,.0f} s, peak RSS {rss.mb} MB")
            if kill_at is not None and have >= kill_at:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
        proc.wait()
    said = log_path.read_text(encoding="utf-8", errors="replace").strip()
    return {"seconds": round(time.perf_counter() - t0, 1), "killed": killed, "exit": proc.returncode,
            "summary": said.splitlines()[-1] if said else "", "peak_rss_mb": rss.mb,
            "peak_pss_mb": rss.pss_mb}


def check(url: str) -> dict:
    """What a kill may not do: lose, double or half-store a source."""
    with create_engine(url, poolclass=NullPool).connect() as conn:
        q = lambda sql: conn.scalar(text(sql))  # noqa: E731
        out = {"sources": q("SELECT count(*) FROM source"),
               "distinct_sha256": q("SELECT count(DISTINCT sha256) FROM source"),
               "sources_without_claims": q("SELECT count(*) FROM source s WHERE NOT EXISTS "
                                           "(SELECT 1 FROM claim c WHERE c.source_id = s.id)")}
        if conn.dialect.name == "sqlite":
            out["quick_check"] = q("PRAGMA quick_check")
        return out


def fresh_pg_schema(server: str) -> str:
    """The register's URL in a new, empty schema of the server (a previous scale run's is dropped)."""
    with create_engine(server).begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    return f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{PG_SCHEMA}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--kill-at", type=float, default=0.4, help="fraction of the corpus stored when kill -9 comes")
    ap.add_argument("--pg", help="PostgreSQL server URL to hold the register instead of SQLite")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results-scale.json"))
    args = ap.parse_args()
    corpus, db = args.dir / "corpus", args.dir / "register.sqlite"
    url = fresh_pg_schema(args.pg) if args.pg else f"sqlite:///{db}"
    log_path = args.dir / ("ingest-pg.log" if args.pg else "ingest.log")
    log(f"writing {args.docs:,} reports to {corpus}")
    words = write_corpus(args.docs, corpus)
    result: dict = {"machine": machine(), "database": "postgresql" if args.pg else "sqlite", "docs": args.docs,
                    "words": words, "workers": args.workers}
    log("first run, to be killed")
    result["first_run"] = run_ingest(corpus, url, args.workers, int(args.docs * args.kill_at), log_path)
    result["after_kill"] = check(url)
    log(f"killed: {result['after_kill']}; resuming")
    result["resumed_run"] = run_ingest(corpus, url, args.workers, None, log_path)
    result["after_resume"] = check(url)
    secs = result["first_run"]["seconds"] + result["resumed_run"]["seconds"]
    result["ingest_words_per_s"] = round(words / secs)
    result["ingest_docs_per_s"] = round(args.docs / secs, 1)
    for figure in ("peak_rss_mb", "peak_pss_mb"):
        result[figure] = max(result["first_run"][figure], result["resumed_run"][figure])
    result["db_mb"] = round(db_mb(url, None if args.pg else db))
    log("latency on the full register")  # in a process of its own, as a server would be
    queries = args.dir / ("queries-pg.json" if args.pg else "queries.json")
    subprocess.run([sys.executable, str(Path(__file__).with_name("run.py")), "--queries-only", "--database", url,
                    "--out", str(queries)], check=True, stdout=subprocess.DEVNULL)
    result["queries"] = json.loads(queries.read_text())
    result["deployments_per_report"] = result["queries"]["deployments_per_report"]  # extracted, then programs
    log(f"deployments per report: {result['deployments_per_report']['before']} extracted, "
        f"{result['deployments_per_report']['after']} after resolution")
    text = json.dumps(result, indent=2, default=float)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
