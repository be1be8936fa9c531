"""Data for pictures: deployments by country and as located points (map), actors and deployments
(network), each program's dated events (timeline)."""

from __future__ import annotations

from collections import defaultdict

import pycountry
from sqlalchemy import Engine, and_, or_, select
from sqlalchemy.orm import Session

from counterwatch.extract.places import coordinates_of
from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import schema as t
from counterwatch.store import survivors
from counterwatch.store.survivors import Survivors


def _deployment_filter(session: Session, viewer: Viewer, technology: str | None, country: str | None,
                       certainty: str | None, live: Survivors) -> set[int]:
    """Ids of live deployments whose claims (of any of their merged members) `viewer` sees match every
    given filter."""
    ids = set(session.scalars(select(t.Claim.record_id).where(t.Claim.record_type == "deployment", viewer.visible())))
    for field, value in (("technology", technology), ("country", country and country.upper()),
                         ("certainty", certainty)):
        if value:
            ids &= set(session.scalars(select(t.Claim.record_id).where(
                t.Claim.record_type == "deployment", t.Claim.field == field, t.Claim.value == value, viewer.visible())))
    return {live.deployment(i) for i in ids}


def map_data(engine: Engine, viewer: Viewer, technology: str | None = None, certainty: str | None = None) -> list[dict]:
    """Per country: ISO codes (alpha-2 and the numeric id world-atlas uses), name and deployments."""
    with Session(engine) as session:
        keep = _deployment_filter(session, viewer, technology, None, certainty, survivors.load(session))
        by_country: dict[str, list[dict]] = defaultdict(list)
        for d in session.scalars(select(t.Deployment).where(t.Deployment.country.isnot(None),
                                                            t.Deployment.merged_into.is_(None))):
            if d.id in keep:
                by_country[d.country].append({"id": d.id, "name": d.name})
    out = []
    for code, deps in sorted(by_country.items()):
        country = pycountry.countries.get(alpha_2=code)
        out.append({"country": code, "numeric": country.numeric if country else None,
                    "name": getattr(country, "common_name", None) or (country.name if country else code),
                    "count": len(deps), "deployments": deps})
    return viewer.scrub(out)


def network_data(engine: Engine, viewer: Viewer, technology: str | None = None, country: str | None = None,
                 certainty: str | None = None) -> dict:
    """Nodes (entities, deployments) and edges (relations, and the edges of entity-valued fields), each
    edge with its claim."""
    with Session(engine) as session:
        live = survivors.load(session)
        keep = _deployment_filter(session, viewer, technology, country, certainty, live)
        entities = session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None), t.Entity.type != "place")).unique().all()
        named = {e.id for e in entities}
        nodes, edges, used = {}, [], set()
        for d in session.scalars(select(t.Deployment).where(t.Deployment.merged_into.is_(None))):
            if d.id in keep:
                nodes[f"d{d.id}"] = {"id": f"d{d.id}", "label": d.name, "kind": "deployment", "href": f"/deployments/{d.id}"}
        roles = session.scalars(select(t.Claim).where(t.Claim.record_type == "deployment", t.Claim.entity_id.isnot(None),
                                                      t.Claim.field.in_(list(REGISTER.entity_fields)),
                                                      viewer.visible())).all()
        for c in roles:
            e_id, d_node = live.entity(c.entity_id), f"d{live.deployment(c.record_id)}"
            if e_id not in named or d_node not in nodes:
                continue
            used.add(e_id)
            edges.append({"source": f"e{e_id}", "target": d_node,
                          "predicate": REGISTER.entity_fields[c.field].edge, "certainty": c.certainty,
                          "quote": c.quote, "source_id": c.source_id})
        for r in session.scalars(select(t.Relation)):
            claim = session.scalar(select(t.Claim).where(t.Claim.record_type == "relation", t.Claim.record_id == r.id,
                                                         viewer.visible()))
            if claim is None or certainty and claim.certainty != certainty:
                continue
            ends = live.entity(r.subject_id), live.entity(r.object_id)
            used |= set(ends)
            edges.append({"source": f"e{ends[0]}", "target": f"e{ends[1]}", "predicate": r.predicate,
                          "certainty": claim.certainty, "quote": claim.quote, "source_id": claim.source_id})
        for e in entities:
            if e.id in used:
                nodes[f"e{e.id}"] = {"id": f"e{e.id}", "label": e.name, "kind": e.type, "href": f"/entities/{e.id}"}
        edges = [x for x in edges if x["source"] in nodes and x["target"] in nodes]
        return viewer.scrub({"nodes": list(nodes.values()), "edges": edges})


def map_points(engine: Engine, viewer: Viewer, technology: str | None = None,
               certainty: str | None = None) -> list[dict]:
    """A point per deployment with a place the gazetteer locates (its first such place claim), with its
    certainty (its first certainty claim) and its record's address."""
    with Session(engine) as session:
        live = survivors.load(session)
        keep = _deployment_filter(session, viewer, technology, None, certainty, live)
        places: dict[int, list[str]] = defaultdict(list)
        certainties: dict[int, str] = {}
        for rid, field, value in session.execute(
                select(t.Claim.record_id, t.Claim.field, t.Claim.value).where(
                    t.Claim.record_type == "deployment", t.Claim.field.in_(["place", "certainty"]), viewer.visible())
                .order_by(t.Claim.id)):
            rid = live.deployment(rid)
            if rid in keep:
                places[rid].append(value) if field == "place" else certainties.setdefault(rid, value)
        names = dict(session.execute(select(t.Deployment.id, t.Deployment.name)
                                     .where(t.Deployment.id.in_(list(places)))).all()) if places else {}
    out = []
    for rid in sorted(places):
        located = next(((p, c) for p in places[rid] if (c := coordinates_of(p))), None)
        if located is None:
            continue
        (place, (lat, lon)) = located
        out.append({"id": rid, "name": names.get(rid), "place": place, "lat": lat, "lon": lon,
                    "certainty": certainties.get(rid), "href": f"/deployments/{rid}"})
    return viewer.scrub(out)


def timeline_data(engine: Engine, viewer: Viewer) -> list[dict]:
    """Each program's events from its claims (register.yml: start, contract, suspension, end, denial):
    a dated field's value is its date; a status or a denial is dated by its source's publication
    (undated sources give no event). One event per program, kind, date and source."""
    dated, by_status, denial = REGISTER.dated, REGISTER.status_events, REGISTER.denial_event
    with Session(engine) as session:
        live = survivors.load(session)
        names = dict(session.execute(select(t.Deployment.id, t.Deployment.name)
                                     .where(t.Deployment.merged_into.is_(None))).all())
        claims = session.execute(
            select(t.Claim, t.Source.published).join(t.Source, t.Source.id == t.Claim.source_id)
            .where(t.Claim.record_type == "deployment", viewer.visible(),
                   or_(t.Claim.field.in_(list(dated)), and_(t.Claim.field == "status", t.Claim.value.in_(list(by_status))),
                       t.Claim.certainty == REGISTER.denied)).order_by(t.Claim.id)).all()
    events, seen = [], set()
    for c, published in claims:
        program_id = live.deployment(c.record_id)
        program = names.get(program_id)
        if program is None:
            continue
        found = []
        if c.field in dated:
            found.append((dated[c.field], c.value))
        if c.field == "status" and c.value in by_status and published:
            found.append((by_status[c.value], published[:10]))
        if c.certainty == REGISTER.denied and published:
            found.append((denial, published[:10]))
        for kind, date in found:
            if (program_id, kind, date, c.source_id) in seen:
                continue
            seen.add((program_id, kind, date, c.source_id))
            events.append({"program_id": program_id, "program": program, "event": kind, "date": date,
                           "label": f"{kind}: {program}", "href": f"/deployments/{program_id}",
                           "certainty": c.certainty, "quote": c.quote, "source_id": c.source_id})
    return viewer.scrub(sorted(events, key=lambda e: (e["program"], e["program_id"], e["date"])))
