"""Cluster mode: extraction as Dask distributed tasks on a real 2-worker LocalCluster, storing into
the real PostgreSQL, gives the register an in-process ingest gives, and stores every actor once."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from counterwatch.cli import app
from counterwatch.ingest.readers import iter_sources
from counterwatch.ingest.source import Source
from counterwatch.pipeline.cluster import ingest_on_cluster
from counterwatch.pipeline.intake import ingest
from counterwatch.store.writer import stats

from conftest import ROOT

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c.scheduler_address


def shared_actor_reports(n: int) -> list[Source]:
    """Reports that all name the same new vendor and operator, to race the workers on creating them."""
    return [Source(uri=f"race://{i}", text=f"Report {i}\n\nKestrel Biometrics supplied facial recognition cameras to "
                   f"the Velmar Police Department in Lyon in 20{10 + i}, according to records seen by reporters.")
            for i in range(n)]


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_cluster_ingest_matches_in_process_and_resumes(engine, cluster, tmp_path):
    from counterwatch.store import connect

    items = list(iter_sources([str(ROOT / "samples")])) + shared_actor_reports(8)
    seen = []
    tally = ingest_on_cluster(engine, items, cluster, on_done=lambda item, outcome: seen.append(outcome))
    assert tally["stored"] == len(items) and seen.count("stored") == len(items)
    local = connect(f"sqlite:///{tmp_path / 'local.sqlite'}")
    ingest(local, items)
    on_cluster, in_process = stats(engine), stats(local)
    for figure in ("sources", "entities", "deployments", "relations", "claims"):
        assert on_cluster[figure] == in_process[figure], figure
    from sqlalchemy import text
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM entity WHERE name = 'Kestrel Biometrics'")) == 1
    again = ingest_on_cluster(engine, items, cluster)
    assert again["unchanged"] == len(items) and not again["stored"]


def test_cluster_mode_refuses_sqlite_with_a_reason(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    r = CliRunner().invoke(app, ["ingest", str(ROOT / "samples"), "--dask", "tcp://127.0.0.1:1", "--database", url])
    assert r.exit_code == 2 and "PostgreSQL" in r.output
