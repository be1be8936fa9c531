"""Run extraction over the public dev set and the AIID subset and print both scorers' figures.

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
        result = evaluate(args.shared, Path(tmp))
        result["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        dev, aiid = result["devset"], result["aiid"]
        for k in ("entities", "technologies", "deployments", "operators", "relations"):
            print(f"devset {k:14} P={dev[k]['precision']:.3f} R={dev[k]['recall']:.3f} F1={dev[k]['f1']:.3f}")
        print(f"devset certainty_acc={dev['certainty']} evidence_exact={dev['evidence_exact']}")
        print(f"aiid   deployer_as_operator_recall={aiid['deployer_as_operator_recall']} "
              f"developer_as_supplier_recall={aiid['developer_as_supplier_recall']}")
        print(f"speed  {result['words_per_second']:.0f} words/s over {result['words']} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
