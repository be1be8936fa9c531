"""Extraction -> the JSON of the annotation schema (extra fields: offsets, cues, kinds, metadata)."""

from __future__ import annotations

from counterwatch.findings import Extraction


def to_json(x: Extraction, doc_id: str) -> dict:
    return {
        "id": doc_id,
        "document": x.document,
        "entities": [
            {"name": e.name, "type": e.type, "aliases": e.aliases,
             **({"country": e.country} if e.type == "place" else {}),
             **({"kind": e.kind} if e.kind else {}),
             **({"protected": True, "protected_cue": e.protected_cue} if e.protected_cue else {}),
             "mentions": [{"start": m.start, "end": m.end, "text": m.text} for m in e.mentions]}
            for e in x.entities],
        "deployments": [
            {"name": d.name, "country": d.country, "places": d.places, "technologies": d.technologies,
             "operators": d.operators, "suppliers": d.suppliers, "targets": d.targets, "status": d.status,
             "start": d.start, "certainty": d.certainty, "evidence": [ev.quote for ev in d.evidence],
             "evidence_spans": [ev.as_dict() for ev in d.evidence]}
            for d in x.deployments],
        "relations": [
            {"subject": r.subject, "predicate": r.predicate, "object": r.object, "certainty": r.certainty,
             "evidence": r.evidence.quote, "evidence_span": r.evidence.as_dict(), "pattern": r.pattern}
            for r in x.relations],
    }
