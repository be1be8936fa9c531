"""The benchmark machinery: the corpus is deterministic and looks like an archive, and `make bench`
prints every figure the issue asks for, on SQLite and the real PostgreSQL (tiny size here; the
figures themselves come from `make bench` and benchmarks/RESULTS.md, never from a timed test)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections import Counter

from conftest import PG_URL, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import POOLS, generate  # noqa: E402


def test_corpus_is_deterministic_varied_and_long_tailed():
    docs = [text for _, text in generate(400)]
    assert docs == [text for _, text in generate(400)] and docs != [text for _, text in generate(400, seed=8)]
    words = sorted(len(d.split()) for d in docs)
    assert words[0] < 120 and words[-1] > 600  # briefs and long reports
    vendor = re.compile(rf"\b(?:{'|'.join(POOLS['vendor_heads'])})[a-z]+ (?:{'|'.join(POOLS['vendor_kinds'])})\b")
    counts = Counter(m for d in docs for m in vendor.findall(d))
    assert len(counts) > 300  # thousands of possible actors ...
    assert counts.most_common(1)[0][1] > 10 * sorted(counts.values())[len(counts) // 2]  # ... a few named everywhere
    text = "\n".join(docs)
    for cue in ("denied", "allegedly", "reportedly", "could be used", "Comments", "Share this article"):
        assert cue in text, cue


def test_bench_prints_every_figure_on_both_databases(tmp_path):
    out = tmp_path / "results.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--docs", "24", "--baseline-docs", "8",
           "--workers", "2", "--pg", PG_URL, "--out", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    result = json.loads(out.read_text())
    assert json.loads(r.stdout) == result
    assert result["bare_ner_words_per_s"] > result["bare_model_words_per_s"] > 0
    assert result["peak_rss_mb"] > 100
    for db in ("sqlite", "postgresql"):
        fig = result[db]
        assert fig["outcomes"] == {"stored": 24} and fig["register"]["sources"] == 24
        assert fig["ingest_words_per_s"] > 0 and fig["ingest_docs_per_s"] > 0 and fig["vs_bare_ner"] > 0
        assert fig["db_mb_per_1k_docs"] > 0
        assert 0 < fig["deployments_per_report_after"] <= fig["deployments_per_report_before"]
        for figure in ("search_ms", "path_random_pairs_ms", "path_linked_pairs_ms", "record_api_ms"):
            assert fig[figure]["n"] > 0 and 0 < fig[figure]["p50"] <= fig[figure]["p95"] <= fig[figure]["p99"], figure
        assert fig["path_linked_pairs_ms"]["with_path"] > 0  # linked pairs really are linked


def test_fill_copies_a_real_ingest_into_a_larger_register_on_both_databases(tmp_path):
    """benchmarks/fill.py: 4 reports ingested for real, copied to 12 on SQLite and then PostgreSQL;
    every copy has its own sources, deployments and claims, and the register answers as any other."""
    from sqlalchemy import create_engine, text

    from counterwatch.query.search import search
    from counterwatch.query.viewer import STAFF
    from counterwatch.store import connect

    schema = f"fill_{uuid.uuid4().hex[:8]}"  # never the benchmark's own schemas
    try:
        for pg in (False, True):
            out = tmp_path / f"fill-{pg}.json"
            cmd = [sys.executable, str(ROOT / "benchmarks" / "fill.py"), "--docs", "12", "--base", "4", "--entities", "0",
                   "--workers", "1", "--dir", str(tmp_path), "--out", str(out)] + (["--pg", PG_URL, "--schema", schema] if pg else [])
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, r.stderr[-3000:]
            result = json.loads(out.read_text())
            base, reg = result["base_register"], result["register"]
            assert reg["sources"] == 12 and base["sources"] == 4
            assert (reg["claims"], reg["deployments"]) == (3 * base["claims"], 3 * base["deployments"])
            assert result["deployments_per_report"]["before"] == result["base_deployments_per_report"]["before"]
            url = f"{PG_URL}?options=-csearch_path%3D{schema}" if pg else f"sqlite:///{tmp_path / 'register.sqlite'}"
            engine = connect(url)
            with engine.connect() as conn:
                assert conn.scalar(text("SELECT count(DISTINCT sha256) FROM source")) == 12
                assert conn.scalar(text("SELECT count(DISTINCT name) FROM deployment")) == 3 * base["deployments"]
            hits = search(engine, STAFF, "police", limit=50)
            assert max(h.source_id for h in hits) > 4  # the copies' claims are in the full-text index (newest first)
            engine.dispose()
    finally:
        with create_engine(PG_URL).begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema}_base CASCADE"))
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
