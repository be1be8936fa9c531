"""Record views: a deployment or entity as the claims of its sources, with conflicts shown side by side."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.query.visibility import visible
from counterwatch.store import schema as t
from counterwatch.store.writer import source_titles

SINGLE_VALUED = {"status", "start", "certainty", "country"}  # two sources disagreeing here is a conflict


def show(engine: Engine, record_type: str, record_id: int) -> dict | None:
    """Fields of a record, each value with the claims (source, quote, offsets, certainty) behind it."""
    with Session(engine) as session:
        table = {"deployment": t.Deployment, "entity": t.Entity}[record_type]
        row = session.get(table, record_id)
        if row is None:
            return None
        claims = session.scalars(select(t.Claim).where(t.Claim.record_type == record_type, t.Claim.record_id == record_id,
                                                       visible()).order_by(t.Claim.id)).all()
        if not claims:
            return None  # a record no visible claim supports does not exist for this viewer
        titles = source_titles(session, (c.source_id for c in claims))
        fields: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for c in claims:
            fields[c.field][c.value].append({"claim_id": c.id, "source_id": c.source_id, "source_title": titles.get(c.source_id),
                                             "quote": c.quote, "start": c.start, "end": c.end, "certainty": c.certainty,
                                             "cue": c.cue, "status": c.status})
        conflicts = [f for f, values in fields.items() if f in SINGLE_VALUED and len(values) > 1]
        denied = sorted({c.field for c in claims if c.certainty == "denied"})
        record = {"type": record_type, "id": row.id, "name": row.name,
                  "fields": {f: [{"value": v, "claims": cs} for v, cs in values.items()] for f, values in fields.items()},
                  "conflicts": conflicts, "denied_fields": denied}
        if record_type == "entity":
            record.update(entity_type=row.type, country=row.country, aliases=[a.name for a in row.aliases],
                          sources=sorted({c.source_id for c in claims}))
        return record
