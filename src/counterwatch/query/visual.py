"""Data for pictures: deployments by country (map), actors and deployments (network), dates (timeline)."""

from __future__ import annotations

from collections import defaultdict

import pycountry
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.extract.entities import key
from counterwatch.query.viewer import Viewer
from counterwatch.store import schema as t


def _deployment_filter(session: Session, viewer: Viewer, technology: str | None, country: str | None,
                       certainty: str | None) -> set[int]:
    """Ids of deployments whose claims `viewer` sees match every given filter."""
    ids = set(session.scalars(select(t.Claim.record_id).where(t.Claim.record_type == "deployment", viewer.visible())))
    for field, value in (("technology", technology), ("country", country and country.upper()),
                         ("certainty", certainty)):
        if value:
            ids &= set(session.scalars(select(t.Claim.record_id).where(
                t.Claim.record_type == "deployment", t.Claim.field == field, t.Claim.value == value, viewer.visible())))
    return ids


def map_data(engine: Engine, viewer: Viewer, technology: str | None = None, certainty: str | None = None) -> list[dict]:
    """Per country: ISO codes (alpha-2 and the numeric id world-atlas uses), name and deployments."""
    with Session(engine) as session:
        keep = _deployment_filter(session, viewer, technology, None, certainty)
        by_country: dict[str, list[dict]] = defaultdict(list)
        for d in session.scalars(select(t.Deployment).where(t.Deployment.country.isnot(None))):
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
    """Nodes (entities, deployments) and edges (relations, operates, supplies), each edge with its claim."""
    with Session(engine) as session:
        keep = _deployment_filter(session, viewer, technology, country, certainty)
        entities = session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None), t.Entity.type != "place")).unique().all()
        by_key = {}
        for e in entities:
            by_key[e.key] = e
            for a in e.aliases:
                by_key.setdefault(a.key, e)
        nodes, edges, used = {}, [], set()
        for d in session.scalars(select(t.Deployment)):
            if d.id in keep:
                nodes[f"d{d.id}"] = {"id": f"d{d.id}", "label": d.name, "kind": "deployment", "href": f"/deployments/{d.id}"}
        roles = session.scalars(select(t.Claim).where(t.Claim.record_type == "deployment",
                                                      t.Claim.field.in_(["operator", "supplier"]), viewer.visible())).all()
        for c in roles:
            e = by_key.get(key(c.value))
            if e is None or f"d{c.record_id}" not in nodes:
                continue
            used.add(e.id)
            edges.append({"source": f"e{e.id}", "target": f"d{c.record_id}", "predicate": "operates" if c.field == "operator" else "supplies",
                          "certainty": c.certainty, "quote": c.quote, "source_id": c.source_id})
        for r in session.scalars(select(t.Relation)):
            claim = session.scalar(select(t.Claim).where(t.Claim.record_type == "relation", t.Claim.record_id == r.id,
                                                         viewer.visible()))
            if claim is None or certainty and claim.certainty != certainty:
                continue
            used |= {r.subject_id, r.object_id}
            edges.append({"source": f"e{r.subject_id}", "target": f"e{r.object_id}", "predicate": r.predicate,
                          "certainty": claim.certainty, "quote": claim.quote, "source_id": claim.source_id})
        for e in entities:
            if e.id in used:
                nodes[f"e{e.id}"] = {"id": f"e{e.id}", "label": e.name, "kind": e.type, "href": f"/entities/{e.id}"}
        edges = [x for x in edges if x["source"] in nodes and x["target"] in nodes]
        return viewer.scrub({"nodes": list(nodes.values()), "edges": edges})


def timeline_data(engine: Engine, viewer: Viewer) -> list[dict]:
    """Dated events: deployment starts (claimed) and the publication of sources with a claim `viewer` sees."""
    with Session(engine) as session:
        events = []
        for c in session.scalars(select(t.Claim).where(t.Claim.record_type == "deployment", t.Claim.field == "start",
                                                       viewer.visible())):
            d = session.get(t.Deployment, c.record_id)
            events.append({"date": c.value, "label": f"start: {d.name}", "href": f"/deployments/{d.id}",
                           "certainty": c.certainty, "quote": c.quote})
        for s in session.scalars(select(t.Source).where(t.Source.published.isnot(None), t.Source.id.in_(
                select(t.Claim.source_id).where(viewer.visible())))):
            events.append({"date": s.published[:10], "label": f"published: {s.title or s.uri}", "href": f"/sources/{s.id}",
                           "certainty": None, "quote": None})
        return viewer.scrub(sorted(events, key=lambda e: e["date"]))
