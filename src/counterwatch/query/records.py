"""Record views: a deployment or entity as the claims of its sources, with conflicts shown side by side."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from counterwatch.query import program_record
from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t
from counterwatch.store import survivors
from counterwatch.store.review import history
from counterwatch.store.writer import source_titles, stats

# claims listed under each value by default (the API's ?claims= asks for up to limits.yml's
# claims_per_value_max): on the 100k register's 20 largest programs (320 members, ~5,000 claims) a
# page took 70-86 ms with 50 and 43-47 ms with 20; every value still says how many claims it has.
CLAIMS_PER_VALUE = 20


def show(engine: Engine, viewer: Viewer, record_type: str, record_id: int,
         per_value: int = CLAIMS_PER_VALUE) -> dict | None:
    """Fields of a record, each value with the claims (source, quote, offsets, certainty) behind it:
    the first `per_value` claims of each value and how many there are (an actor named in 20,000
    reports is still one quick page). Only claims `viewer` sees, redacted for it."""
    with Session(engine) as session:
        table = {"deployment": t.Deployment, "entity": t.Entity}[record_type]
        members = [record_id]
        if record_type == "deployment":  # a program told by many sources: the claims of every merged member
            record_id, members = survivors.deployment_group(session, record_id)
        row = session.get(table, record_id)
        if row is None:
            return None
        mine = (t.Claim.record_type == record_type, t.Claim.record_id.in_(members), viewer.visible())
        group = (t.Claim.field, t.Claim.value)
        ranked = select(t.Claim.id, func.row_number().over(partition_by=group, order_by=t.Claim.id).label("n"),
                        func.count().over(partition_by=group).label("total")).where(*mine).subquery()
        cols = (t.Claim.id, t.Claim.source_id, t.Claim.field, t.Claim.value, t.Claim.quote, t.Claim.start,
                t.Claim.end, t.Claim.certainty, t.Claim.cue, t.Claim.status)  # columns, not ORM objects: a program
        # of hundreds of members shows thousands of claims, and loading them as instances was most of its time
        # Core, not ORM, execution of column selects: the ORM's row processing was ~7 ms of a large program
        rows = session.connection().execute(select(*cols, ranked.c.total).join(ranked, ranked.c.id == t.Claim.id)
                               .where(ranked.c.n <= per_value).order_by(t.Claim.id)).all()
        if not rows:
            return None  # a record no visible claim supports does not exist for this viewer
        titles = source_titles(session, (c.source_id for c in rows))
        fields: dict[str, dict[str, dict]] = defaultdict(dict)
        for c in rows:
            total = c.total
            value = fields[c.field].setdefault(c.value, {"value": c.value, "claims": [], "claims_total": total})
            value["claims"].append({"claim_id": c.id, "source_id": c.source_id, "source_title": titles.get(c.source_id),
                                    "quote": c.quote, "start": c.start, "end": c.end, "certainty": c.certainty,
                                    "cue": c.cue, "status": c.status})
        conflicts = [f for f, values in fields.items() if f in REGISTER.single_valued and len(values) > 1]
        denied = sorted(session.scalars(select(t.Claim.field).where(*mine, t.Claim.certainty == REGISTER.denied).distinct()))
        record = {"type": record_type, "id": row.id, "name": row.name,
                  "fields": {f: list(values.values()) for f, values in fields.items()},
                  "conflicts": conflicts, "denied_fields": denied}
        if record_type == "deployment":
            record.update(program_record.consolidate(session, viewer, members), members=members)
            record["conflicts"] = sorted({*conflicts, *(c["field"] for c in record["conflict_details"])})
        if record_type == "entity":
            sources = session.scalars(select(t.Claim.source_id).where(*mine).distinct().order_by(t.Claim.source_id))
            record.update(entity_type=row.type, country=row.country, aliases=[a.name for a in row.aliases],
                          sources=list(sources))
        return viewer.scrub(record)


def claim_history(engine: Engine, viewer: Viewer, claim_id: int) -> list[dict] | None:
    """The review steps of a claim `viewer` sees (None when it sees no such claim). The public learns
    what was decided and when, not who decided, why, or what an edit replaced: those are the editors'."""
    with Session(engine) as session:
        claim = session.get(t.Claim, claim_id)
        if claim is None or not viewer.sees(claim.status):
            return None
    steps = history(engine, claim_id)
    if viewer.public:
        steps = [{"action": s["action"], "after": s["after"], "at": s["at"]} for s in steps]
    return viewer.scrub(steps)


def names_of(engine: Engine, entity_id: int) -> list[str]:
    """An entity's stored name and aliases (to find the claims that name it, whatever a viewer is shown)."""
    with Session(engine) as session:
        entity = session.get(t.Entity, entity_id)
        return [entity.name, *(a.name for a in entity.aliases)] if entity else []


def register_stats(engine: Engine, viewer: Viewer) -> dict:
    """The register's counts, claims counted by the statuses `viewer` sees only."""
    figures = stats(engine)
    figures["claims_by_status"] = {s: n for s, n in figures["claims_by_status"].items() if viewer.sees(s)}
    figures["claims"] = sum(figures["claims_by_status"].values())
    return figures
