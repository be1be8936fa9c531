"""Shared fixtures: one loaded extractor per test session, paths to the shared dev data."""

from __future__ import annotations

from pathlib import Path

import pytest

from counterwatch.extract import Extractor, to_json
from counterwatch.ingest import Source

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def run(extractor):
    """Extract a text and return the schema JSON."""
    def _run(text: str, uri: str = "test.txt") -> dict:
        return to_json(extractor(Source(uri=uri, text=text)), Path(uri).stem)
    return _run
