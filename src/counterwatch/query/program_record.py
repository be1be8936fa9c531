"""What a deployment record adds once many sources tell one program: its sources with their dates,
the status of the latest dated source, and where sources disagree.

Why: a program told by fifty reports is one record, and a reader needs to see which report says what
and when. Two sources giving two start years, or one source (the operator) denying what another (an
NGO) reports, are conflicts shown as such, never silently resolved; a status changes over time, so
the newest dated claim sets it and the older ones stay visible as history.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from counterwatch.query.record_claims import SINGLE_VALUED, RecordClaims, among
from counterwatch.register import REGISTER
from counterwatch.store import schema as t

SOURCES_SHOWN = 50  # sources a program's record lists (oldest dated first); the API and the page offer the rest


def _comparable(field: str, value: str) -> str:
    """Start dates disagree when their years do ("2019" and "2019-03" agree)."""
    return value[:4] if field == "start" else value


def sources(conn: Connection, counts: dict[int, int]) -> list[dict]:
    """The record's sources (`counts`: claims per source), dated ones oldest first, then the undated."""
    if not counts:
        return []
    s = t.Source
    rows = conn.execute(select(s.id, s.title, s.published, s.publisher, s.uri).where(among(conn, s.id, counts))).all()
    out = [{"source_id": i, "title": title, "published": published, "publisher": publisher, "uri": uri,
            "claims": counts.get(i, 0)} for i, title, published, publisher, uri in rows]
    return sorted(out, key=lambda x: (x["published"] is None, x["published"] or "", x["source_id"]))


def consolidate(listed: list[dict], claims: RecordClaims) -> dict:
    """Sources (the first SOURCES_SHOWN of `listed`), current status and cross-source conflicts."""
    dated = {x["source_id"]: x["published"] for x in listed}
    return {"sources": listed[:SOURCES_SHOWN], "sources_total": len(listed),
            "status": _status(claims.compared, dated), "conflict_details": _conflicts(claims.compared)}


def _status(claims, dated: dict[int, str | None]) -> dict | None:
    """The status claim of the latest dated source (the earliest claim when no source is dated)."""
    said = [c for c in claims if c.field == "status"]
    if not said:
        return None
    latest = max(said, key=lambda c: (dated.get(c.source_id) is not None, dated.get(c.source_id) or "", -c.id))
    return {"value": latest.value, "source_id": latest.source_id, "published": dated.get(latest.source_id),
            "claim_id": latest.id}


def _conflicts(claims) -> list[dict]:
    """Fields on which different sources disagree: two values of a single-valued field, or one source
    denying a value another states."""
    out = []
    by_field: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for c in claims:
        if c.field in SINGLE_VALUED:
            by_field[c.field][_comparable(c.field, c.value)].add(c.source_id)
    for field, values in by_field.items():
        if len(values) > 1 and len(set().union(*values.values())) > 1:
            out.append({"field": field, "kind": "values",
                        "values": [{"value": v, "sources": sorted(s)} for v, s in sorted(values.items())]})
    stance: dict[tuple[str, str], dict[bool, set[int]]] = defaultdict(lambda: defaultdict(set))
    for c in claims:
        if c.field not in SINGLE_VALUED and c.field != "evidence":  # those disagree as values above
            stance[(c.field, c.value)][c.certainty == REGISTER.denied].add(c.source_id)
    for (field, value), sides in stance.items():
        if sides[True] and sides[False] and sides[True] != sides[False]:
            out.append({"field": field, "kind": "denial", "value": value,
                        "denied_by": sorted(sides[True]), "stated_by": sorted(sides[False])})
    return out
