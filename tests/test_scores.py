"""Quality floor: the shared scorers on the public dev set and the AIID subset.

Thresholds are the issue's targets; they guard against regressions, they are not tuned to the data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from counterwatch.evaluation import evaluate

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    if not (SHARED / "devset" / "score.py").exists():
        pytest.skip(f"shared data not found at {SHARED}")
    return evaluate(SHARED, tmp_path_factory.mktemp("eval"))


def test_devset_floor(scores):
    dev = scores["devset"]
    assert dev["entities"]["f1"] >= 0.80
    assert dev["technologies"]["f1"] >= 0.80
    assert dev["deployments"]["f1"] >= 0.60
    assert dev["relations"]["f1"] >= 0.35
    assert dev["evidence_exact"] == 1.0


def test_aiid_operator_floor(scores):
    assert scores["aiid"]["deployer_as_operator_recall"] >= 0.60
