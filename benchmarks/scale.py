"""The archive-scale run documented in RESULTS.md: N generated reports on disk, ingested by the real
`counterwatch ingest --workers W` command, killed with SIGKILL part-way, resumed, checked (no source
lost, none stored twice, none half-stored), then the latency figures of run.py on the full register.

Usage: python benchmarks/scale.py --docs 100000 --dir /var/tmp/cw-scale [--kill-at 0.4] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402
from run import PeakRSS, log, machine  # noqa: E402

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


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute("SELECT count(*) FROM source").fetchone()[0]
    except sqlite3.Error:
        return 0


def run_ingest(corpus: Path, url: str, workers: int, kill_at: int | None, db: Path) -> dict:
    """One `counterwatch ingest` run; with kill_at, SIGKILL its process group once that many are stored."""
    cmd = [str(COUNTERWATCH), "ingest", str(corpus), "--workers", str(workers), "--database", url]
    t0, log_path = time.perf_counter(), db.with_suffix(".ingest.log")
    with log_path.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    with PeakRSS(proc.pid) as rss:  # the command and its workers, not this script
        killed = False
        while proc.poll() is None:
            time.sleep(5)
            have = stored(db)
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


def check(db: Path) -> dict:
    """What a kill may not do: lose, double or half-store a source."""
    with sqlite3.connect(db) as conn:
        q = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        return {"sources": q("SELECT count(*) FROM source"),
                "distinct_sha256": q("SELECT count(DISTINCT sha256) FROM source"),
                "sources_without_claims": q("SELECT count(*) FROM source s WHERE NOT EXISTS "
                                            "(SELECT 1 FROM claim c WHERE c.source_id = s.id)"),
                "quick_check": q("PRAGMA quick_check")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--kill-at", type=float, default=0.4, help="fraction of the corpus stored when kill -9 comes")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results-scale.json"))
    args = ap.parse_args()
    corpus, db = args.dir / "corpus", args.dir / "register.sqlite"
    url = f"sqlite:///{db}"
    log(f"writing {args.docs:,} reports to {corpus}")
    words = write_corpus(args.docs, corpus)
    result: dict = {"machine": machine(), "docs": args.docs, "words": words, "workers": args.workers}
    log("first run, to be killed")
    result["first_run"] = run_ingest(corpus, url, args.workers, int(args.docs * args.kill_at), db)
    result["after_kill"] = check(db)
    log(f"killed: {result['after_kill']}; resuming")
    result["resumed_run"] = run_ingest(corpus, url, args.workers, None, db)
    result["after_resume"] = check(db)
    secs = result["first_run"]["seconds"] + result["resumed_run"]["seconds"]
    result["ingest_words_per_s"] = round(words / secs)
    result["ingest_docs_per_s"] = round(args.docs / secs, 1)
    for figure in ("peak_rss_mb", "peak_pss_mb"):
        result[figure] = max(result["first_run"][figure], result["resumed_run"][figure])
    result["db_mb"] = round(sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20)
    log("latency on the full register")  # in a process of its own, as a server would be
    queries = args.dir / "queries.json"
    subprocess.run([sys.executable, str(Path(__file__).with_name("run.py")), "--queries-only", "--database", url,
                    "--out", str(queries)], check=True, stdout=subprocess.DEVNULL)
    result["queries"] = json.loads(queries.read_text())
    text = json.dumps(result, indent=2, default=float)
    print(text)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
