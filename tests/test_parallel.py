"""Extraction workers stream: however long the input, only a few chunks per worker are read ahead,
and results come back in input order."""

from __future__ import annotations

import time

from counterwatch.extract import parallel
from counterwatch.ingest.source import Source


def test_workers_read_a_bounded_window_ahead_and_keep_order():
    pulled = []

    def sources():
        for i in range(400):
            pulled.append(i)
            yield Source(uri=f"s{i}.txt", text=f"Report {i}. The Oslo police used drones over a protest in 2020.")

    stream = parallel.extract_many(sources(), workers=2)
    first_item, first = next(stream)
    time.sleep(1.5)  # an unbounded pool would have read all 400 by now
    window = (2 * parallel.IN_FLIGHT + 2) * parallel.CHUNK
    assert len(pulled) <= window < 400, len(pulled)
    uris = [first_item.uri] + [item.uri for item, x in stream if x is not None]
    assert uris == [f"s{i}.txt" for i in range(400)] and first is not None
