"""The claims behind a record page, read in one pass over all of the record's claims, and the rest
of one value's claims a page at a time.

Why: a program of 300 merged deployments holds ~5,000 claims. Reading the first claims of each
value, the denied fields, the claims per source and the claims status and conflicts are decided on
took four statements, each binding every member id and scanning their claims. One scan now reads
the light columns of all of them through the merge table (survivors.deployment_members) and the
grouping happens here (window functions over 5,000 rows cost SQLite 4x the scan); the quotes are
read for the claims shown only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import ARRAY, CTE, Connection, Integer, any_, bindparam, func, select

from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t

SINGLE_VALUED = REGISTER.single_valued  # one value per program: sources disagreeing conflict (register.yml)


class Said(NamedTuple):
    """A claim's light columns: what values are grouped, sources counted and conflicts found on (a
    named tuple: SQLAlchemy rows' attribute access was a third of a large program's page)."""

    id: int
    field: str
    value: str
    certainty: str
    source_id: int


@dataclass
class RecordClaims:
    """What a record page shows of its claims, and what its status and conflicts are read from."""

    fields: dict[str, list[dict]] = field(default_factory=dict)  # field: its values, first claim first
    per_source: dict[int, int] = field(default_factory=dict)  # claims each source gives the record
    denied: list[str] = field(default_factory=list)  # fields a source denies a value of
    compared: list[Said] = field(default_factory=list)  # single-valued and denied fields' claims


def among(conn: Connection, column, ids: Collection[int]):
    """`column IN ids`; on PostgreSQL one array parameter: binding and casting hundreds of ids one by
    one cost more than reading their rows."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def mine(viewer: Viewer, record_type: str, members: CTE | None, record_id: int) -> tuple:
    """The record's claims `viewer` sees: a program's through its members, an entity's by its id."""
    owner = t.Claim.record_id.in_(select(members.c.id)) if members is not None else t.Claim.record_id == record_id
    return t.Claim.record_type == record_type, owner, viewer.visible()


def read(conn: Connection, viewer: Viewer, record_type: str, record_id: int, members: CTE | None,
         per_value: int) -> RecordClaims:
    """The first `per_value` claims of each value with their totals, claims per source, denied fields,
    and (for a deployment) the claims its status and conflicts come from."""
    c = t.Claim
    rows = sorted(map(Said._make, conn.execute(select(c.id, c.field, c.value, c.certainty, c.source_id)
                                               .where(*mine(viewer, record_type, members, record_id)))))  # by id
    values: dict[tuple[str, str], list[int]] = {}  # in order of their first claim
    out = RecordClaims()
    per_source = out.per_source
    denied = set()
    for i, name, value, certainty, source_id in rows:
        values.setdefault((name, value), []).append(i)
        per_source[source_id] = per_source.get(source_id, 0) + 1
        if certainty == REGISTER.denied:
            denied.add(name)
    shown = [i for ids in values.values() for i in ids[:per_value]]
    details = {r.id: r for r in conn.execute(select(c.id, c.source_id, c.quote, c.start, c.end, c.certainty, c.cue,
                                                    c.status).where(among(conn, c.id, shown)))} if shown else {}
    fields: dict[str, list[dict]] = defaultdict(list)
    for (name, value), ids in values.items():
        fields[name].append({"value": value, "claims": [_claim(details[i]) for i in ids[:per_value]],
                             "claims_total": len(ids)})
    out.fields, out.denied = dict(fields), sorted(denied)
    if record_type == "deployment":
        out.compared = [row for row in rows if row.field in SINGLE_VALUED or row.field in denied]
    return out


def _claim(row) -> dict:
    """A claim as a record lists it (its source's title is added once the sources are read)."""
    return {"claim_id": row.id, "source_id": row.source_id, "source_title": None, "quote": row.quote,
            "start": row.start, "end": row.end, "certainty": row.certainty, "cue": row.cue, "status": row.status}


def value_page(conn: Connection, viewer: Viewer, record_type: str, record_id: int, members: CTE | None,
               field_name: str, value: str, offset: int, limit: int) -> tuple[int, list[dict]]:
    """One value's claims past what the record lists: how many there are, and `limit` of them from
    `offset` in claim order (the order the record lists its first ones in)."""
    those = (*mine(viewer, record_type, members, record_id), t.Claim.field == field_name, t.Claim.value == value)
    total = conn.scalar(select(func.count()).select_from(t.Claim).where(*those)) or 0
    c = t.Claim
    rows = conn.execute(select(c.id, c.source_id, c.quote, c.start, c.end, c.certainty, c.cue, c.status)
                        .where(*those).order_by(c.id).offset(offset).limit(limit)).all() if total > offset else []
    return total, [_claim(row) for row in rows]
