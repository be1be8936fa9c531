"""The annotated corpus: every shipped document validates; the checker and the split do their job."""

from __future__ import annotations

from pathlib import Path

from counterwatch.learn import corpus as C

ROOT = Path(__file__).resolve().parents[1]
TEXT = "The Harlow Police Service has used face recognition since 2021, supplied by Vantix Ltd."
GOLD = {
    "entities": [{"name": "Harlow Police Service", "type": "organization"},
                 {"name": "Vantix Ltd", "type": "organization"}, {"name": "Harlow", "type": "place", "country": "GB"}],
    "deployments": [{"name": "FR", "country": "GB", "places": ["Harlow"], "technologies": ["face_recognition"],
                     "operators": ["Harlow Police Service"], "suppliers": ["Vantix Ltd"], "targets": [],
                     "status": "ongoing", "start": "2021", "certainty": "reported", "evidence": [TEXT]}],
    "relations": [{"subject": "Vantix Ltd", "predicate": "supplies", "object": "Harlow Police Service",
                   "certainty": "reported", "evidence": TEXT}],
}


def test_shipped_corpus_is_valid_and_large_enough():
    docs = C.load(ROOT / "corpus")
    bad = {d.id: C.problems(d.text, d.gold) for d in docs if C.problems(d.text, d.gold)}
    assert not bad
    assert len(docs) >= 150
    countries = {dep["country"] for d in docs for dep in d.gold["deployments"]}
    assert len(countries) >= 40
    techs = {t for d in docs for dep in d.gold["deployments"] for t in dep["technologies"]}
    assert techs == C.TECHNOLOGIES


def test_checker_finds_what_is_wrong():
    assert C.problems(TEXT, GOLD) == []
    broken = {**GOLD, "relations": [{**GOLD["relations"][0], "evidence": "supplied by Vantix"[::-1]}]}
    assert any("evidence not exact" in p for p in C.problems(TEXT, broken))
    stranger = {**GOLD, "deployments": [{**GOLD["deployments"][0], "operators": ["Harlow Council"]}]}
    assert any("not a listed organization" in p for p in C.problems(TEXT, stranger))
    wrong = {**GOLD, "deployments": [{**GOLD["deployments"][0], "technologies": ["mind_reading"]}]}
    assert any("technologies" in p for p in C.problems(TEXT, wrong))


def test_split_is_stable_seeded_and_disjoint():
    ids = [f"doc-{i}" for i in range(400)]
    first = [C.split_of(i) for i in ids]
    assert first == [C.split_of(i) for i in ids]
    share = first.count("test") / len(ids)
    assert 0.08 < share < 0.25
    docs = [C.Document(i, TEXT, GOLD) for i in ids[:50]]
    parts = C.split(docs)
    assert sum(len(v) for v in parts.values()) == 50
    assert C.digest(docs) != C.digest(docs[:49])
