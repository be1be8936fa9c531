"""Quality floors of the shipped extraction: the corpus's held-out test split, the public dev set and
the AIID subset, by the shared scorers.

Floors sit a margin below the figures measured when the model was trained (corpus/README.md lists
them): they catch a regression, they are not targets and nothing was tuned to reach them. The dev
set's deployment floor and AIID's operator floor are lower than the rule pass reached there (0.73,
0.66): the rules were written against those five documents, and the trained layer, chosen on the
corpus's own dev split, keeps fewer deployments per long report and fewer company deployers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from counterwatch.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    if not (SHARED / "devset" / "score.py").exists():
        pytest.skip(f"shared data not found at {SHARED}")
    return evaluate(SHARED, tmp_path_factory.mktemp("eval"), ROOT / "corpus")


def test_corpus_test_split_floor(scores):
    test = scores["corpus_test"]
    assert test["documents"] >= 40
    assert test["entities"]["f1"] >= 0.80
    assert test["technologies"]["f1"] >= 0.74
    assert test["deployments"]["f1"] >= 0.66
    assert test["operators"]["f1"] >= 0.40
    assert test["relations"]["f1"] >= 0.46
    assert test["certainty"] >= 0.60
    assert test["evidence_exact"] == 1.0


def test_devset_floor(scores):
    dev = scores["devset"]
    assert dev["entities"]["f1"] >= 0.80
    assert dev["technologies"]["f1"] >= 0.85
    assert dev["deployments"]["f1"] >= 0.30
    # 5 documents: one relation moves this 0.04-0.08 (0.364 -> 0.286 with cw-linear-8e69204a352c, one
    # affiliation fewer, while the corpus dev split rose 0.573 -> 0.580 and its test split 0.503 -> 0.508)
    assert dev["relations"]["f1"] >= 0.25
    assert dev["evidence_exact"] == 1.0


def test_aiid_operator_floor(scores):
    assert scores["aiid"]["deployer_as_operator_recall"] >= 0.45
    assert scores["aiid"]["developer_as_supplier_recall"] >= 0.30


def test_program_merging_floor():
    """Deployment resolution given gold extraction, on the corpus's program ids (train+dev: tuned on)."""
    from counterwatch.learn import corpus as C
    from counterwatch.learn.program_pairs import evaluate as merging

    gold = merging(C.load(ROOT / "corpus"))["gold"]
    assert gold["train+dev"]["precision"] >= 0.95 and gold["train+dev"]["recall"] >= 0.80
    assert gold["test"]["precision"] >= 0.85 and gold["test"]["recall"] >= 0.75
