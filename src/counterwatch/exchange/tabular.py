"""CSV (one row per operator × technology × place, like the Atlas of Surveillance) and GeoJSON."""

from __future__ import annotations

import csv
import io

from counterwatch.exchange.snapshot import Snapshot
from counterwatch.extract.places import coordinates_of

CSV_FIELDS = ["deployment_id", "deployment", "operator", "technology", "place", "country", "status", "start",
              "certainty", "suppliers", "quote", "source_title", "source_url", "source_sha256"]


def atlas_rows(snap: Snapshot) -> list[dict]:
    rows = []
    for did, d in snap.deployments.items():
        v = lambda f: snap.values("deployment", did, f)  # noqa: E731
        claim = snap.first("deployment", did, "evidence") or snap.first("deployment", did)
        src = snap.sources.get(claim.source_id) if claim else None
        for operator in v("operator") or [""]:
            for tech in v("technology") or [""]:
                for place in v("place") or [""]:
                    rows.append({"deployment_id": did, "deployment": d.name, "operator": operator, "technology": tech,
                                 "place": place, "country": (v("country") or [d.country or ""])[0],
                                 "status": ";".join(v("status")), "start": ";".join(v("start")),
                                 "certainty": ";".join(v("certainty")), "suppliers": ";".join(v("supplier")),
                                 "quote": claim.quote if claim else "", "source_title": src.title if src else "",
                                 "source_url": src.uri if src else "", "source_sha256": src.sha256 if src else ""})
    return rows


def to_csv(snap: Snapshot) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(atlas_rows(snap))
    return buf.getvalue()


def to_geojson(snap: Snapshot) -> dict:
    """A point per deployment at its first known place (or its country's capital-less centroid: none)."""
    features = []
    for did, d in snap.deployments.items():
        places = snap.values("deployment", did, "place")
        point = next((coordinates_of(p) for p in places if coordinates_of(p)), None)
        if point is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [point[1], point[0]]},
                         "properties": {"id": did, "name": d.name, "country": d.country,
                                        "technologies": snap.values("deployment", did, "technology"),
                                        "operators": snap.values("deployment", did, "operator"),
                                        "certainty": snap.values("deployment", did, "certainty"),
                                        "places": places}})
    return {"type": "FeatureCollection", "features": features}
