"""The `counterwatch extract` command: JSON per input, readable summary, errors and exit code."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from counterwatch.cli import app

ROOT = Path(__file__).resolve().parents[1]


def test_json_dir_one_file_per_input_and_batch_continues(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00binary")
    out = tmp_path / "out"
    samples = sorted(str(p) for p in (ROOT / "samples").glob("*.txt"))
    result = CliRunner().invoke(app, ["extract", str(bad), *samples, "--json-dir", str(out)])
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "binary" in result.output
    written = sorted(p.stem for p in out.glob("*.json"))
    assert written == sorted(Path(s).stem for s in samples)
    for path in out.glob("*.json"):
        data = json.loads(path.read_text())
        text = Path(ROOT / "samples" / f"{path.stem}.txt").read_text(encoding="utf-8")
        assert data["deployments"], path.stem
        quotes = [q for d in data["deployments"] for q in d["evidence"]] + [r["evidence"] for r in data["relations"]]
        assert quotes and all(q in text for q in quotes)


def test_summary_names_deployments(tmp_path: Path):
    result = CliRunner().invoke(app, ["extract", str(ROOT / "samples" / "pegasus-mexico.txt")])
    assert result.exit_code == 0
    assert "spyware" in result.output and "NSO Group" in result.output


def test_ingest_on_two_cores_stores_the_same_register(tmp_path: Path):
    runner = CliRunner()
    figures = []
    for workers in ("1", "2"):
        url = f"sqlite:///{tmp_path / f'w{workers}.sqlite'}"
        r = runner.invoke(app, ["ingest", str(ROOT / "samples"), "--workers", workers, "--database", url])
        assert r.exit_code == 0, r.output
        figures.append(runner.invoke(app, ["stats", "--json", "--database", url]).output)
    assert figures[0] == figures[1] and '"sources": 3' in figures[0]


def test_ingest_leaves_the_planner_statistics_current(engine):
    """After `counterwatch ingest`, PostgreSQL's planner knows the claims are there (search picks its
    plans by them; autovacuum may lag a bulk load or be off)."""
    from sqlalchemy import text

    url = engine.url.render_as_string(hide_password=False)
    r = CliRunner().invoke(app, ["ingest", str(ROOT / "samples" / "pegasus-mexico.txt"), "--database", url])
    assert r.exit_code == 0, r.output
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            analyzed = conn.scalar(text("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                                        "WHERE relname = 'claim' AND schemaname = current_schema()"))
        assert analyzed
