"""Every export format rendered as text for a viewer: the one implementation the CLI, the pages and
the API call (the public gets what it sees, editors the full register)."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from counterwatch.exchange import dump, ftm, graphs, snapshot, tabular
from counterwatch.query.viewer import Viewer

# format -> (media type, file extension)
FORMATS = {"csv": ("text/csv", "csv"), "ftm": ("application/x-ndjson", "ftm.jsonl"),
           "geojson": ("application/geo+json", "geojson"), "gexf": ("application/gexf+xml", "gexf"),
           "graphml": ("application/graphml+xml", "graphml"), "dump": ("application/json", "json")}


def render(engine: Engine, viewer: Viewer, fmt: str) -> str:
    """The register in `fmt` as `viewer` sees it; a public viewer's dump holds no review history."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if fmt == "dump":
        data = dump.public_dump(engine, viewer) if viewer.public else dump.export_dump(engine)
        return json.dumps(data, ensure_ascii=False, indent=1)
    if fmt in ("graphml", "gexf"):
        return (graphs.to_graphml if fmt == "graphml" else graphs.to_gexf)(engine, viewer)
    snap = snapshot.take(engine, viewer)
    if fmt == "ftm":
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ftm.entities(snap))
    if fmt == "csv":
        return tabular.to_csv(snap)
    return json.dumps(tabular.to_geojson(snap), ensure_ascii=False)
