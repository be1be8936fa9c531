"""The register's reviews as training documents: each source an editor reviewed becomes a gold record
of what the editors let stand (accepted, edited to the correction, or not yet judged), without what
they rejected — so a rejected operator teaches 'not an operator', an edit teaches the right value."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from counterwatch.learn.corpus import Document, problems
from counterwatch.register import REGISTER
from counterwatch.store import schema as t

REVIEWED = ("accepted", "rejected")
ROLE_FIELDS = {n: f.attribute for n, f in REGISTER.deployment.items() if f.attribute and not f.single}  # lists
SINGLE_FIELDS = tuple(n for n, f in REGISTER.deployment.items() if f.attribute and f.single)


def reviewed_documents(engine: Engine) -> list[Document]:
    """One document per reviewed source, pruned to what validates as gold."""
    with Session(engine) as session:
        ids = session.scalars(select(t.Claim.source_id).where(t.Claim.status.in_(REVIEWED)).distinct()).all()
        out = []
        for source_id in sorted(ids):
            src = session.get(t.Source, source_id)
            claims = session.scalars(select(t.Claim).where(t.Claim.source_id == source_id,
                                                           t.Claim.status != "rejected")).all()
            gold = _gold(session, src, claims)
            if gold["deployments"] or gold["relations"]:
                out.append(Document(f"register-{source_id}", src.text, gold))
        return out


def _gold(session: Session, src: t.Source, claims: list[t.Claim]) -> dict:
    entities: dict[str, dict] = {}
    for c in claims:
        if c.record_type == "entity" and c.field == "mention":
            e = session.get(t.Entity, c.record_id)
            if e is not None and c.value in src.text:
                entry = {"name": c.value, "type": e.type, "aliases": []}
                if e.type == "place":
                    entry["country"] = e.country
                entities[c.value] = entry
    deps: dict[int, dict] = defaultdict(lambda: {"technologies": [], "operators": [], "suppliers": [], "places": [],
                                                 "targets": [], "evidence": [], "status": REGISTER.default_status,
                                                 "certainty": REGISTER.default_certainty, "start": None, "country": None})
    relations = []
    for c in claims:
        if c.record_type == "deployment":
            d = deps[c.record_id]
            if c.field in ROLE_FIELDS:
                d[ROLE_FIELDS[c.field]].append(c.value)
            elif c.field in SINGLE_FIELDS:
                d[c.field] = c.value
            if c.quote not in d["evidence"]:
                d["evidence"].append(c.quote)
        elif c.record_type == "relation":
            rel = session.get(t.Relation, c.record_id)
            if rel is None:
                continue
            subj, obj = session.get(t.Entity, rel.subject_id), session.get(t.Entity, rel.object_id)
            relations.append({"subject": subj.name, "predicate": rel.predicate, "object": obj.name,
                              "certainty": c.certainty, "evidence": c.quote})
    gold = {"document": {"title": src.title}, "entities": list(entities.values()),
            "deployments": [{"name": f"deployment {k}", **v} for k, v in deps.items() if v["technologies"]],
            "relations": relations}
    return _prune(src.text, gold)


def _prune(text: str, gold: dict) -> dict:
    """Drop the parts that name what the record no longer holds (a merged name, a rejected place)."""
    actors = {e["name"] for e in gold["entities"] if e["type"] != "place"}
    places = {e["name"] for e in gold["entities"] if e["type"] == "place"}
    for d in gold["deployments"]:
        d["operators"] = [n for n in d["operators"] if n in actors]
        d["suppliers"] = [n for n in d["suppliers"] if n in actors]
        d["places"] = [n for n in d["places"] if n in places]
    gold["relations"] = [r for r in gold["relations"] if r["subject"] in actors and r["object"] in actors]
    gold["deployments"] = [d for d in gold["deployments"] if d.get("country") and not problems(text, {**gold, "deployments": [d], "relations": []})]
    return gold
