"""Shared fixtures: one loaded extractor per test session, paths to the shared dev data."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from counterwatch.extract import Extractor, to_json
from counterwatch.ingest.source import Source
from counterwatch.store import connect

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The rule pass alone: store, query, web and rule tests build fixture texts for its grammar, so
    their expectations do not move when `make train` rewrites the model (tests/test_learned.py and
    tests/test_scores.py cover the trained layer)."""
    return Extractor(model_dir=None)


@pytest.fixture(scope="session")
def run(extractor):
    """Extract a text and return the schema JSON."""
    def _run(text: str, uri: str = "test.txt") -> dict:
        return to_json(extractor(Source(uri=uri, text=text)), Path(uri).stem)
    return _run


PG_URL = os.environ.get("COUNTERWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        yield connect(f"sqlite:///{tmp_path / 'register.sqlite'}")
        return
    schema = f"t_{uuid.uuid4().hex[:10]}"  # a private schema per test on the shared server
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - a missing server must fail loudly in CI, not hide
        pytest.fail(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    eng = connect(f"{PG_URL}?options=-csearch_path%3D{schema}")
    yield eng
    eng.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


