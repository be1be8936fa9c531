"""Record views: a deployment or entity as the claims of its sources, with conflicts shown side by side."""

from __future__ import annotations

from sqlalchemy import CTE, Engine, func, select
from sqlalchemy.orm import Session

from counterwatch.query import program_record, record_claims
from counterwatch.query.viewer import Viewer
from counterwatch.store import schema as t
from counterwatch.store import survivors
from counterwatch.store.review import history
from counterwatch.store.writer import source_titles, stats

# claims listed under each value by default (the API's ?claims= asks for up to limits.yml's
# claims_per_value_max, and /claims?field=&value= pages through all of them): a reader sees what
# sources say from a few quotes and the count; a 300-member program of the 100k register (5,360
# claims) answered 635 kB with 20 a value and every source, 169 kB with 5 and 50 sources.
CLAIMS_PER_VALUE = 5
TABLES = {"deployment": t.Deployment, "entity": t.Entity}
MEMBERS_SHOWN = 50  # stored deployments a program's record lists (members_total counts them all)


def show(engine: Engine, viewer: Viewer, record_type: str, record_id: int,
         per_value: int = CLAIMS_PER_VALUE) -> dict | None:
    """Fields of a record, each value with the claims (source, quote, offsets, certainty) behind it:
    the first `per_value` claims of each value and how many there are (an actor named in 20,000
    reports is still one quick page). Only claims `viewer` sees, redacted for it."""
    with Session(engine) as session:
        record_id, members = _resolved(session, record_type, record_id)
        row = session.get(TABLES[record_type], record_id)
        if row is None:
            return None
        conn = session.connection()  # Core execution of column selects: no ORM row processing
        claims = record_claims.read(conn, viewer, record_type, record_id, members, per_value)
        if not claims.fields:
            return None  # a record no visible claim supports does not exist for this viewer
        several = [f for f, values in claims.fields.items() if f in record_claims.SINGLE_VALUED and len(values) > 1]
        record = {"type": record_type, "id": row.id, "name": row.name, "fields": claims.fields,
                  "conflicts": several, "denied_fields": claims.denied}
        if record_type == "deployment":
            listed = program_record.sources(conn, claims.per_source)
            titles = {x["source_id"]: x["title"] for x in listed}
            stored = _members(session, record_id, members)
            record.update(program_record.consolidate(listed, claims), members=stored[:MEMBERS_SHOWN],
                          members_total=len(stored))
            record["conflicts"] = sorted({*several, *(c["field"] for c in record["conflict_details"])})
        else:
            titles = source_titles(session, (c["source_id"] for v in _values(claims.fields) for c in v["claims"]))
            record.update(entity_type=row.type, country=row.country, aliases=[a.name for a in row.aliases],
                          sources=sorted(claims.per_source))
        for value in _values(claims.fields):
            for claim in value["claims"]:
                claim["source_title"] = titles.get(claim["source_id"])
        return viewer.scrub(record)


def _values(fields: dict[str, list[dict]]):
    return (value for values in fields.values() for value in values)


def value_claims(engine: Engine, viewer: Viewer, record_type: str, record_id: int, field: str, value: str,
                 offset: int = 0, limit: int = CLAIMS_PER_VALUE) -> dict | None:
    """The claims of one value of a record from `offset` (what the record page lists past its first
    few), with how many there are; None when `viewer` sees no such claim."""
    with Session(engine) as session:
        record_id, members = _resolved(session, record_type, record_id)
        row = session.get(TABLES[record_type], record_id)
        if row is None:
            return None
        total, claims = record_claims.value_page(session.connection(), viewer, record_type, record_id, members,
                                                 field, value, offset, limit)
        if not total:
            return None
        titles = source_titles(session, (c["source_id"] for c in claims))
        for claim in claims:
            claim["source_title"] = titles.get(claim["source_id"])
        return viewer.scrub({"type": record_type, "id": row.id, "name": row.name, "field": field, "value": value,
                             "claims_total": total, "offset": offset, "claims": claims})


def program_sources(engine: Engine, viewer: Viewer, record_id: int, offset: int = 0,
                    limit: int = program_record.SOURCES_SHOWN) -> dict | None:
    """A program's sources from `offset`, oldest dated first as its record lists them, with their
    total: what the record lists past its first SOURCES_SHOWN."""
    with Session(engine) as session:
        record_id, members = _resolved(session, "deployment", record_id)
        conn = session.connection()
        counts = dict(conn.execute(select(t.Claim.source_id, func.count())
                                   .where(*record_claims.mine(viewer, "deployment", members, record_id))
                                   .group_by(t.Claim.source_id)).all())
        if not counts:
            return None  # no such program, or none of its claims visible to this viewer
        listed = program_record.sources(conn, counts)
        return viewer.scrub({"id": record_id, "name": session.get(t.Deployment, record_id).name, "offset": offset,
                             "sources_total": len(listed), "sources": listed[offset:offset + limit]})


def program_members(engine: Engine, viewer: Viewer, record_id: int, offset: int = 0,
                    limit: int = MEMBERS_SHOWN) -> dict | None:
    """The stored deployments a program stands for from `offset` (the live one first), with their
    total; None when `viewer` sees none of its claims (the record does not exist for it)."""
    with Session(engine) as session:
        record_id, members = _resolved(session, "deployment", record_id)
        if session.scalar(select(t.Claim.id).where(*record_claims.mine(viewer, "deployment", members, record_id))
                          .limit(1)) is None:
            return None
        stored = _members(session, record_id, members)
        return {"id": record_id, "offset": offset, "members_total": len(stored), "members": stored[offset:offset + limit]}


def _resolved(session: Session, record_type: str, record_id: int) -> tuple[int, CTE | None]:
    """The live record a stored id belongs to, and for a deployment the query of its program's members
    (a program told by many sources: the claims of every merged member)."""
    if record_type != "deployment":
        return record_id, None
    survivor = survivors.deployment_survivor(session, record_id)
    return survivor, survivors.deployment_members(survivor)


def _members(session: Session, survivor: int, members: CTE) -> list[int]:
    """Every stored deployment of a program, the live one first."""
    return list(session.scalars(select(members.c.id).order_by(members.c.id != survivor, members.c.id)))


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
