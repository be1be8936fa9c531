"""register.yml is the register's one vocabulary: what extraction, the trained models and the FtM
schemata use must be declared there, and what it declares must exist where it points."""

from __future__ import annotations

import json

from followthemoney import model

from counterwatch.data import load
from counterwatch.extract.learned import packaged_model_dir
from counterwatch.register import REGISTER


def test_extraction_states_only_declared_levels_statuses_and_predicates():
    certainty, status = load("certainty.yml"), load("status.yml")
    assert set(certainty["order"]) | {certainty["default"]} <= set(REGISTER.certainties)
    assert set(status["order"]) | {status["default"]} <= set(REGISTER.statuses)
    assert {rule["predicate"] for rule in load("relations.yml")} <= set(REGISTER.predicates)
    classes = json.loads((packaged_model_dir() / "certainty.json").read_text(encoding="utf-8"))["classes"]
    assert set(classes) == set(REGISTER.certainties)


def test_levels_are_ordered_by_weight_and_one_is_the_denial():
    weights = [REGISTER.weight(c) for c in REGISTER.certainties]
    assert weights == sorted(weights) and len(set(weights)) == len(weights)
    assert REGISTER.certainty[REGISTER.denied].denial
    assert REGISTER.weight("no such level") == REGISTER.unknown_weight


def test_every_ftm_schema_and_property_it_names_exists():
    for link in [*REGISTER.predicates.values(), REGISTER.fallback_link]:
        schema = model.get(link.ftm)
        assert schema is not None, link.ftm
        for prop in [link.subject, link.object, *link.properties, *(["role"] if link.role else [])]:
            assert prop in schema.properties, (link.ftm, prop)
    for entity_type, kind in [("person", None), ("organization", None), *(("organization", k) for k in ("agency", "vendor"))]:
        assert model.get(REGISTER.entity_schema(entity_type, kind)) is not None
    assert "role" in model.get("ProjectParticipant").properties


def test_fields_declare_what_their_readers_need():
    assert REGISTER.entity_fields and all(f.edge and f.ftm_role and f.attribute for f in REGISTER.entity_fields.values())
    prefixes = [f.facet for f in REGISTER.facets.values()]
    assert len(set(prefixes)) == len(prefixes) and all(f.filter for f in REGISTER.facets.values())
    assert set(REGISTER.status_events) <= set(REGISTER.statuses)
    assert REGISTER.default_certainty in REGISTER.certainty and REGISTER.default_status in REGISTER.statuses
    # an imported FtM link comes back as the predicate it was exported from
    for predicate, link in REGISTER.predicates.items():
        ends = link.types or ("organization", link.object_type or "organization")
        exported = REGISTER.link(predicate, *ends)
        assert REGISTER.predicate_of(exported.ftm, predicate.replace("_", " ") if exported.role else None) == predicate
