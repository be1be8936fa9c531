"""Durability: backup/restore on both databases, and an ingest killed with SIGKILL loses nothing
committed and leaves no document half-stored."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counterwatch.extract import Extractor
from counterwatch.ingest.source import Source
from counterwatch.store import connect, store_extraction
from counterwatch.store import schema as t
from counterwatch.store.backup import backup, restore
from counterwatch.store.writer import stats

TEXT = "Police in Oslo use drones over protests since 2020, the city said. Hikvision supplied cameras to the police."


def test_backup_and_restore(engine, extractor, tmp_path):
    src = Source(uri="a.txt", text=TEXT)
    store_extraction(engine, src, extractor(src))
    before = stats(engine)
    dest = tmp_path / "register.backup"
    url = engine.url.render_as_string(hide_password=False)
    backup(url, dest)
    other = Source(uri="b.txt", text=TEXT + " More.")
    store_extraction(engine, other, extractor(other))
    assert stats(engine) != before
    engine.dispose()
    restore(dest, url)
    assert stats(engine) == before


def _claims_per_uri(engine) -> dict[str, int]:
    with Session(engine) as s:
        return dict(s.execute(select(t.Source.uri, func.count(t.Claim.id)).join(t.Claim, t.Claim.source_id == t.Source.id)
                              .group_by(t.Source.uri)).all())


def test_sigkill_during_ingest_loses_nothing_committed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(60):
        (docs / f"r{i:03d}.txt").write_text(f"Report {i}. " + TEXT + f" Officer Anna Berg{i} was cited.", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'kill.sqlite'}"
    env = {**os.environ, "COUNTERWATCH_DATABASE_URL": db}
    cmd = [sys.executable, "-m", "counterwatch.cli", "ingest", str(docs), "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    engine = connect(db)
    deadline = time.time() + 60
    while time.time() < deadline and stats(engine)["sources"] < 5:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its extraction workers
    proc.wait()
    stored = stats(engine)["sources"]
    assert 5 <= stored < 60, stored  # killed mid-batch
    per_uri = _claims_per_uri(engine)
    assert len(per_uri) == stored
    # every stored document has all its claims: as many as storing it alone, in one piece, gives
    reference, extract = connect(f"sqlite:///{tmp_path / 'reference.sqlite'}"), Extractor()
    for uri in per_uri:
        src = Source(uri=uri, text=Path(uri).read_text(encoding="utf-8"))
        store_extraction(reference, src, extract(src))
    assert _claims_per_uri(reference) == per_uri
    again = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)  # resumes
    assert stats(engine)["sources"] == 60  # nothing lost, nothing stored twice
    # what was stored is recognised before extraction, so a resumed archive costs the model nothing twice
    assert re.search(rf"(^|\s){60 - stored} stored\b", again.stderr), again.stderr
    assert re.search(rf"(^|\s){stored} unchanged\b", again.stderr), again.stderr
