"""What a deployment record adds once many sources tell one program: its sources with their dates,
the status of the latest dated source, and where sources disagree.

Why: a program told by fifty reports is one record, and a reader needs to see which report says what
and when. Two sources giving two start years, or one source (the operator) denying what another (an
NGO) reports, are conflicts shown as such, never silently resolved; a status changes over time, so
the newest dated claim sets it and the older ones stay visible as history.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t

SINGLE_VALUED = REGISTER.single_valued  # one value per program: sources disagreeing conflict (register.yml)


def _comparable(field: str, value: str) -> str:
    """Start dates disagree when their years do ("2019" and "2019-03" agree)."""
    return value[:4] if field == "start" else value


def sources(session: Session, source_ids: set[int], counts: dict[int, int]) -> list[dict]:
    """The record's sources, dated ones oldest first, then the undated."""
    rows = session.execute(select(t.Source.id, t.Source.title, t.Source.published, t.Source.publisher, t.Source.uri)
                           .where(t.Source.id.in_(source_ids))).all() if source_ids else []
    out = [{"source_id": i, "title": title, "published": published, "publisher": publisher, "uri": uri,
            "claims": counts.get(i, 0)} for i, title, published, publisher, uri in rows]
    return sorted(out, key=lambda s: (s["published"] is None, s["published"] or "", s["source_id"]))


def consolidate(session: Session, viewer: Viewer, members: list[int]) -> dict:
    """Sources, current status and cross-source conflicts of the deployment made of `members`."""
    mine = (t.Claim.record_type == "deployment", t.Claim.record_id.in_(members), viewer.visible())
    conn = session.connection()  # Core execution of column selects: no ORM row processing
    counts = dict(conn.execute(select(t.Claim.source_id, func.count()).where(*mine).group_by(t.Claim.source_id)).all())
    listed = sources(session, set(counts), counts)
    dated = {s["source_id"]: s["published"] for s in listed}
    denied = select(t.Claim.field).where(*mine, t.Claim.certainty == REGISTER.denied)
    claims = conn.execute(select(t.Claim.id, t.Claim.field, t.Claim.value, t.Claim.certainty, t.Claim.source_id)
                             .where(*mine, or_(t.Claim.field.in_(SINGLE_VALUED), t.Claim.field.in_(denied)))
                             .order_by(t.Claim.id)).all()
    return {"sources": listed, "status": _status(claims, dated), "conflict_details": _conflicts(claims)}


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
