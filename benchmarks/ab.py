"""Before/after latency on one register, alternating two source trees (A B A B …) in the same minutes.

Why: on 2 cores shared with other work, one run of run.py differs from the next by up to 2x; only
turns taken alternately under the same load and page cache compare two versions of the code.

Usage: python benchmarks/ab.py --database URL --tree before=/old/checkout/src --tree after=src
       [--rounds 2] [--out FILE]

Each turn runs this file with --worker in a process of its own, PYTHONPATH set to that tree: run.py's
200 searches and its record pages by kind through the API (same seed, same picks), then show() of
the 20 largest programs in-process, five times over.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
LARGEST = 20
PASSES = 5


def worker(url: str) -> dict:
    """One turn's figures, with the code found first on sys.path."""
    sys.path.insert(0, str(HERE))
    from fastapi.testclient import TestClient
    from run import latency, record_pages, searches
    from sqlalchemy import text

    import counterwatch
    from counterwatch.query.records import show
    from counterwatch.query.viewer import STAFF
    from counterwatch.store import connect
    from counterwatch.web.app import create_app

    engine = connect(url)
    rng = random.Random(11)
    out = {"code": str(Path(counterwatch.__file__).parents[1]), "load_before": os.getloadavg()[:2]}
    out |= {k: v for k, v in searches(engine, rng).items() if k == "search_ms"}
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1")
    out |= {k: v for k, v in record_pages(engine, client, rng).items() if k.startswith("record_")}
    with engine.connect() as conn:
        largest = list(conn.scalars(text("SELECT merged_into FROM deployment WHERE merged_into IS NOT NULL "
                                         f"GROUP BY merged_into ORDER BY count(*) DESC, merged_into LIMIT {LARGEST}")))
    lat = []
    for _ in range(PASSES):
        for i in largest:
            t = time.perf_counter()
            show(engine, STAFF, "deployment", i)
            lat.append((time.perf_counter() - t) * 1000)
    out["show_largest_programs_ms"] = latency(lat)
    out["load_after"] = os.getloadavg()[:2]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database", required=True)
    ap.add_argument("--tree", action="append", default=[], help="name=path of a src folder (twice)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.database)))
        return
    trees = dict(t.split("=", 1) for t in args.tree)
    turns = []
    for r in range(args.rounds):
        for name, src in trees.items():
            env = os.environ | {"PYTHONPATH": str(Path(src).resolve())}
            done = subprocess.run([sys.executable, __file__, "--worker", "--database", args.database],
                                  env=env, check=True, capture_output=True, text=True)
            turn = {"round": r + 1, "tree": name} | json.loads(done.stdout.strip().splitlines()[-1])
            turns.append(turn)
            figures = "  ".join(f"{k.removesuffix('_ms')} {v['p50']}/{v['p95']}" for k, v in turn.items()
                                if k.endswith("_ms"))
            print(f"round {r + 1} {name:8} load {turn['load_before'][0]:.2f}  {figures}", flush=True)
    if args.out:
        args.out.write_text(json.dumps({"database": args.database, "turns": turns}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
