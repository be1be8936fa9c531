"""The shared scorer (`devset/score.py`), loaded from the shared folder: training labels candidates
with its name matching and every figure we report is its figure, so ours can never drift from it."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

KEYS = ("entities", "technologies", "deployments", "operators", "relations")


@cache
def scorer(shared: Path) -> ModuleType:
    path = shared / "devset" / "score.py"
    if not path.exists():
        raise FileNotFoundError(f"the shared scorer is missing: {path} (pass --shared DIR)")
    spec = importlib.util.spec_from_file_location("counterwatch_shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(shared: Path, pairs: list[tuple[dict, dict, str]]) -> dict:
    """Totals over (gold, prediction, text) triples, as score.py prints them with --json."""
    sc = scorer(shared)
    totals: dict[str, tuple] = {}
    for gold, pred, text in pairs:
        for k, v in sc.score_doc(gold, pred, text).items():
            if k != "entities_by_type":
                totals[k] = tuple(x + y for x, y in zip(totals.get(k, (0,) * len(v)), v))
    res: dict = {}
    for k in KEYS:
        p, r, f = sc.prf(*totals.get(k, (0, 0, 0)))
        res[k] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    for k in ("certainty", "start_year", "evidence_exact"):
        ok, n = totals.get(k, (0, 0))
        res[k] = round(ok / n, 3) if n else None
    return res


def table(rows: dict[str, dict]) -> str:
    """One line per figure, one column per scored set."""
    names = list(rows)
    lines = [f"{'figure':16}" + "".join(f"{n:>16}" for n in names)]
    for k in KEYS:
        lines.append(f"{k + ' F1':16}" + "".join(f"{rows[n][k]['f1']:>16.3f}" for n in names))
    for k in ("certainty", "start_year", "evidence_exact"):
        lines.append(f"{k:16}" + "".join(f"{rows[n][k] if rows[n][k] is not None else '-':>16}" for n in names))
    return "\n".join(lines)
