"""Run extraction over the corpus test split, the public dev set and the AIID subset; print the figures.

Usage: python scripts/evaluate.py [--shared ../shared] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from counterwatch.evaluation import evaluate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default="../shared", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = evaluate(args.shared, Path(tmp), with_programs=True)
        result["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        from counterwatch.learn.scoring import table
        rows = {"corpus test": result["corpus_test"], "shared devset": result["devset"]} if result["corpus_test"] \
            else {"shared devset": result["devset"]}
        print(f"model {result['model']}; corpus test split: {(result['corpus_test'] or {}).get('documents', 0)} documents")
        print(table(rows))
        aiid = result["aiid"]
        print(f"aiid   deployer_as_operator_recall={aiid['deployer_as_operator_recall']} "
              f"developer_as_supplier_recall={aiid['developer_as_supplier_recall']}")
        print(f"speed  {result['words_per_second']:.0f} words/s over {result['words']} words")
        for run, r in (result["programs"] or {}).items():
            print(f"programs ({run} deployments, merge at {r['threshold']}): {r['deployments']} deployments in "
                  f"{r['documents']} reports -> {r['records']} records; pairwise merging "
                  + "; ".join(f"{part} P={r[part]['precision']} R={r[part]['recall']} ({r[part]['pairs']} pairs)"
                              for part in ("train+dev", "test", "all")))
            print("  threshold sweep, train+dev only: " + ", ".join(
                f"{s['threshold']}: P={s['precision']} R={s['recall']}" for s in r["sweep"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
