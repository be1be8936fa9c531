"""The trained layer: JSON linear models, the refinement they drive, training, and learning from
the register's reviews. Fixtures are built here; nothing depends on what the shipped model learned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sqlalchemy import select
from sqlalchemy.orm import Session

from counterwatch.extract import Extractor
from counterwatch.extract.learned import Refiner
from counterwatch.extract.linear import LinearModel
from counterwatch.extract.nlp import stock_pipeline
from counterwatch.ingest.source import Source
from counterwatch.learn import corpus as C
from counterwatch.learn import ner
from counterwatch.learn import train as T
from counterwatch.learn.feedback import reviewed_documents
from counterwatch.store import schema as t
from counterwatch.store import store_extraction
from counterwatch.store.review import review

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_linear_model_reproduces_scikit_learn(tmp_path):
    examples = [({"w=camera": 1.0, "rule=op": 1.0}, "operator"), ({"w=sold": 1.0}, "supplier"),
                ({"w=camera": 1.0}, "operator"), ({"w=said": 1.0}, "none"), ({"w=sold": 1.0, "w=camera": 1.0}, "supplier"),
                ({"w=said": 1.0, "rule=op": 1.0}, "none")]
    model = T.fit(examples, 1.0)
    model.save(tmp_path / "m.json")
    loaded = LinearModel.load(tmp_path / "m.json")
    vec = DictVectorizer()
    clf = LogisticRegression(C=1.0, max_iter=5000, random_state=T.SEED).fit(vec.fit_transform([f for f, _ in examples]),
                                                                        [y for _, y in examples])
    probe = {"w=camera": 1.0, "w=sold": 1.0, "unseen": 1.0}
    want = dict(zip(clf.classes_, clf.predict_proba(vec.transform([probe]))[0]))
    got = loaded.proba(probe)
    assert got.keys() == want.keys()
    assert all(abs(got[k] - want[k]) < 1e-3 for k in want)
    binary = T.fit([({"a": 1.0}, "yes"), ({"b": 1.0}, "no"), ({"a": 1.0, "c": 1.0}, "yes")], 1.0)
    assert binary.best({"a": 1.0})[0] == "yes" and binary.best({"b": 1.0})[0] == "no"


def _model(classes, weights, intercept) -> LinearModel:
    return LinearModel(tuple(classes), {k: tuple(v) for k, v in weights.items()}, tuple(intercept))


TEXT = ("The Harlow Police Service has used face recognition cameras in London since 2021. "
        "Vantix Ltd supplied the cameras to the Harlow Police Service under a four-year contract.")


def test_roles_follow_the_model_and_imply_a_cited_supplies_relation(extractor):
    # a roles model that reads only the rule's verdicts, and a relation model that never fires:
    # the supplies relation can only come from the deployment's roles, citing the sentence naming both
    roles = _model(["none", "operator", "supplier"], {"rule_operator": [0, 6, 0], "rule_supplier": [0, 0, 6],
                                                      "m:rule=supplier": [0, 0, 6]}, [2, 0, 0])
    never = _model(["none", "supplies>"], {}, [9, 0])
    refiner = Refiner({"roles": roles, "relations": never}, {"operator": 0.5, "supplier": 0.5, "relation": 0.5,
                                                           "keep_rule": 0.9}, "test")
    x, ctx = extractor.contexts([Source(uri="t.txt", text=TEXT)])[0]
    refiner.refine(ctx)
    dep = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    assert "Harlow Police Service" in dep.operators and dep.suppliers == ["Vantix Ltd"]
    rel = [r for r in ctx.relations if r.predicate == "supplies"]
    assert [(r.subject, r.object) for r in rel] == [("Vantix Ltd", "Harlow Police Service")]
    assert rel[0].evidence.quote == TEXT[rel[0].evidence.start:rel[0].evidence.end]
    assert "Vantix Ltd supplied" in rel[0].evidence.quote and rel[0].pattern.startswith("implied")
    assert all(TEXT[e.start:e.end] == e.quote for e in dep.evidence)


def test_rule_operators_stand_when_the_model_names_nobody(extractor):
    nobody = _model(["none", "operator", "supplier"], {}, [0.2, 0, 0])  # p(none) ~ 0.38
    x, ctx = extractor.contexts([Source(uri="t.txt", text=TEXT)])[0]
    rule_ops = {n for d in ctx.deployments for n in d.operators}
    assert rule_ops
    never = {"operator": 0.5, "supplier": 0.5, "operator_floor": 1.0}
    Refiner({"roles": nobody}, {**never, "keep_rule": 0.9}, "t").refine(ctx)
    assert {n for d in ctx.deployments for n in d.operators} == rule_ops
    x, ctx = extractor.contexts([Source(uri="t.txt", text=TEXT)])[0]
    Refiner({"roles": nobody}, {**never, "keep_rule": 0.3}, "t").refine(ctx)
    assert not any(d.operators for d in ctx.deployments)
    # with a floor under p(operator) ~ 0.31, each deployment takes one operator again
    x, ctx = extractor.contexts([Source(uri="t.txt", text=TEXT)])[0]
    Refiner({"roles": nobody}, {**never, "keep_rule": 0.3, "operator_floor": 0.3}, "t").refine(ctx)
    assert all(len(d.operators) == 1 for d in ctx.deployments)


def test_a_rule_operator_the_model_is_sure_supplies_becomes_the_supplier(extractor):
    text = "Detectives in Harlow identified the suspect by face recognition using Vantix Ltd, records show."
    vendor = _model(["none", "operator", "supplier"], {"nw=vantix": [0, 0, 5]}, [0, 0, 0])  # p(supplier) ~ 0.99 for it
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    assert "Vantix Ltd" in {n for d in ctx.deployments for n in d.operators}  # the grammar's reading
    th = {"operator": 0.5, "supplier": 0.5, "keep_rule": 0.9, "operator_floor": 1.0}
    Refiner({"roles": vendor}, {**th, "supplier_over_rule": 0.9}, "t").refine(ctx)
    dep = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    assert dep.suppliers == ["Vantix Ltd"] and "Vantix Ltd" not in dep.operators
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    Refiner({"roles": vendor}, {**th, "supplier_over_rule": 1.0}, "t").refine(ctx)  # the grammar stands
    dep = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    assert "Vantix Ltd" in dep.operators and not dep.suppliers


def test_entity_model_drops_and_retypes_by_its_margin(extractor):
    # place-typed names read as organizations; a name with "miller" in it is no entity at all
    ents = _model(["none", "organization", "person", "place"], {"type=place": [0, 6, 0, 0], "nw=miller": [9, 0, 0, 0]},
                  [0, 0, 0, 1])
    text = TEXT + " The story was written by Jane Miller for the Harlow Courier."
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    assert ctx.entities["London"].type == "place" and "Jane Miller" in ctx.entities
    Refiner({"entities": ents}, {"entity": 0.5, "retype": 0.2}, "t").refine(ctx)
    assert ctx.entities["London"].type == "organization"
    assert "Jane Miller" in ctx.dropped and "Harlow Police Service" not in ctx.dropped
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    Refiner({"entities": ents}, {"entity": 0.5, "retype": 1.0}, "t").refine(ctx)
    assert ctx.entities["London"].type == "place"  # a margin no model reaches keeps the parser's type


AGENCIES = ["Harlow Police Service", "Drummore Border Agency", "Velsk Municipal Guard", "Ostrava Transit Police",
            "Kellan County Sheriff's Office", "Marden Interior Ministry"]
VENDORS = ["Vantix Ltd", "Orlen Vision Systems", "Kestrel Analytics", "Brightgate Security", "Nordway Sensors",
           "Calder Biometrics"]
TECH = [("face recognition cameras", "face_recognition"), ("licence plate readers", "license_plate_recognition"),
        ("fingerprint scanners", "fingerprint")]
PLACES = [("Germany", "DE"), ("France", "FR"), ("Kenya", "KE"), ("Brazil", "BR")]


def _fixture_corpus(root: Path, n: int = 24) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "gold").mkdir()
    for i in range(n):
        op, ven = AGENCIES[i % 6], VENDORS[(i * 5) % 6]
        words, tech = TECH[i % 3]
        place, cc = PLACES[i % 4]
        year = 2015 + i % 8
        s1 = f"The {op} has used {words} in {place} since {year}."
        s2 = f"The {words} were supplied by {ven}, the company said."
        s3 = "Privacy International criticised the program in a report published in 2024."
        text = f"{s1} {s2} {s3}\n"
        gold = {"document": {"title": None}, "entities": [
            {"name": op, "type": "organization"}, {"name": ven, "type": "organization"},
            {"name": "Privacy International", "type": "organization"}, {"name": place, "type": "place", "country": cc}],
            "deployments": [{"name": "d", "country": cc, "places": [place], "technologies": [tech], "operators": [op],
                             "suppliers": [ven], "targets": [], "status": "ongoing", "start": str(year),
                             "certainty": "reported", "evidence": [s1, s2]}],
            "relations": [{"subject": ven, "predicate": "supplies", "object": op, "certainty": "reported", "evidence": s2}]}
        (root / "docs" / f"fx-{i:03d}.txt").write_text(text, encoding="utf-8")
        (root / "gold" / f"fx-{i:03d}.json").write_text(json.dumps(gold), encoding="utf-8")


@pytest.mark.skipif(not (SHARED / "devset" / "score.py").exists(), reason="shared scorer not found")
def test_training_is_reproducible_and_scores_every_split(tmp_path):
    _fixture_corpus(tmp_path / "corpus")
    quiet = lambda _m: None  # noqa: E731
    a = T.train(tmp_path / "corpus", SHARED, tmp_path / "a", log=quiet)
    T.train(tmp_path / "corpus", SHARED, tmp_path / "b", log=quiet)
    files_a = sorted(str(p.relative_to(tmp_path / "a")) for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert {"manifest.json", "ner/model"} <= set(files_a)
    assert files_a == sorted(str(p.relative_to(tmp_path / "b")) for p in (tmp_path / "b").rglob("*") if p.is_file())
    for name in files_a:  # the fine-tuned NER's weights too
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a["ner"]["documents"] == a["corpus"]["splits"]["train"] and len(a["ner"]["losses"]) == ner.EPOCHS
    assert a["corpus"]["documents"] == 24 and sum(a["corpus"]["splits"].values()) == 24
    assert set(a["scores"]["test"]) >= {"rules", "model"}
    assert a["components"]["roles"]["labels"]["operator"] >= 10
    # a component ships only where dev says it helps; the manifest says why each one left is left
    shipped = set(Refiner.load(tmp_path / "a").models)
    assert shipped.isdisjoint(a["not_shipped"]) and shipped | set(a["not_shipped"]) >= set(T.FIGURE)


def test_register_reviews_become_training_documents(engine, extractor):
    src = Source(uri="r.txt", text=TEXT)
    store_extraction(engine, src, extractor(src))
    with Session(engine) as s:
        claims = s.scalars(select(t.Claim).where(t.Claim.record_type == "deployment")).all()
        ops = [c for c in claims if c.field == "operator"]
        tech = next(c for c in claims if c.field == "technology")
        country = next(c for c in claims if c.field == "country")
    assert ops
    review(engine, ops[0].id, "reject", "ed", reason="a customer, not the operator")
    review(engine, tech.id, "accept", "ed")
    review(engine, country.id, "edit", "ed", value="IE")
    docs = reviewed_documents(engine)
    assert len(docs) == 1 and docs[0].text == TEXT
    deps = docs[0].gold["deployments"]
    assert deps and all(ops[0].value not in d["operators"] for d in deps if d["country"] == "IE")
    assert any(d["country"] == "IE" and "face_recognition" in d["technologies"] for d in deps)


def test_review_queue_puts_the_least_certain_model_proposals_first(engine, extractor):
    from counterwatch.store.review import ReviewError, proposed
    src = Source(uri="q.txt", text=TEXT)
    x = extractor(src)
    dep = next(d for d in x.deployments if d.operators)
    dep.confidence = {f"operator={dep.operators[0]}": 0.93, "certainty": 0.52}
    store_extraction(engine, src, x)
    queue = proposed(engine, order="uncertainty")
    scored = [c for c in queue if c["confidence"] is not None]
    assert [c["confidence"] for c in scored] == [0.52, 0.93]
    assert queue[:2] == scored and all(c["confidence"] is None for c in queue[2:])
    assert scored[0]["field"] == "certainty" and scored[1]["value"] == dep.operators[0]
    with pytest.raises(ReviewError):
        proposed(engine, order="random")


def test_review_queue_api_is_for_editors_and_orders_by_uncertainty(engine, extractor):
    from fastapi.testclient import TestClient

    from counterwatch.store.accounts import add_user, new_token
    from counterwatch.web.app import create_app
    src = Source(uri="q.txt", text=TEXT)
    x = extractor(src)
    dep = next(d for d in x.deployments if d.operators)
    dep.confidence = {f"operator={dep.operators[0]}": 0.61}
    store_extraction(engine, src, x)
    add_user(engine, "ana", "correct horse battery", "editor")
    client = TestClient(create_app(engine, secret_key="test"))
    assert client.get("/api/queue").status_code in (401, 403)
    auth = {"Authorization": f"Bearer {new_token(engine, 'ana')}"}
    queue = client.get("/api/queue?order=uncertainty&limit=5", headers=auth).json()
    assert len(queue) == 5 and queue[0]["confidence"] == 0.61 and queue[0]["value"] == dep.operators[0]
    assert client.get("/api/queue?order=nonsense", headers=auth).status_code == 400


def test_tuning_keeps_a_threshold_whose_default_beats_every_grid_value(monkeypatch):
    # the dev figure is best at the default 0.5, which the grid (0.25, 0.35, ...) does not hold
    keys = ("deployments", "technologies", "entities", "operators", "relations")
    monkeypatch.setattr(T, "predict", lambda dev, refiner: refiner)
    monkeypatch.setattr(T, "score", lambda shared, refiner: {
        **{k: {"f1": 1.0 if refiner.thresholds["deployment"] == 0.5 else 0.6} for k in keys}, "start_year": 0.5})
    th = T.tune(SHARED, [], {}, lambda line: None)
    assert 0.5 not in T.GRID and th["deployment"] == 0.5


def test_ner_reference_marks_gold_names_whole_and_rehearses_other_kinds():
    nlp = stock_pipeline()
    text = ("On 4 March 2023 the Prefeitura de Itaquaré do Sul hired Andes Vigía SpA for cameras. "
            "Prefeitura de Itaquaré do Sul paid 40,000 dollars.")
    gold = {"entities": [{"name": "Prefeitura de Itaquaré do Sul", "type": "organization"},
                         {"name": "Andes Vigía", "type": "organization", "aliases": ["Andes Vigía SpA"]}]}
    ents = [(e.text, e.label_) for e in ner.reference(nlp, text, gold).reference.ents]
    assert ents.count(("Prefeitura de Itaquaré do Sul", "ORG")) == 2
    assert ("Andes Vigía SpA", "ORG") in ents and ("Andes Vigía", "ORG") not in ents  # the longer name wins
    assert any(label == "DATE" for _, label in ents)  # the stock model's dates stay in the reference
    assert not any(label in ner.OURS and t not in {"Prefeitura de Itaquaré do Sul", "Andes Vigía SpA"} for t, label in ents)


def test_fine_tuned_ner_is_what_extraction_runs_with(tmp_path):
    name = "Fonética Andina Ltda."  # the stock model reads a place and a person
    docs = [C.Document(f"n{i}", f"Officers of {name} in Brenvale{i} installed cameras on day {i}.",
                       {"entities": [{"name": name, "type": "organization"}]}) for i in range(12)]
    ner.fine_tune(stock_pipeline(), docs, tmp_path / "ner", seed=1, log=lambda _m: None)
    probe = f"Officers of {name} in Brenvale77 installed cameras on day 77."
    tuned, stock = Extractor(model_dir=None, ner=tmp_path / "ner").nlp, Extractor(model_dir=None, ner=None).nlp
    assert (name, "ORG") not in {(e.text, e.label_) for e in stock(probe).ents}
    assert (name, "ORG") in {(e.text, e.label_) for e in tuned(probe).ents}


def test_a_deployment_is_described_against_the_earlier_ones_of_its_country(extractor):
    # a second program has its own operator, year and section; the keep model needs these contrasts
    from counterwatch.extract import features as F
    text = ("The Harlow Police Service has used face recognition cameras at the central station since 2021.\n\n"
            "Separately, the Kestrel Border Agency began running face recognition gates at Harlow airport in 2024.")
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    assert [d.operators for d in ctx.deployments] == [["Harlow Police Service"], ["Kestrel Border Agency"]]
    first, second = (F.deployment_features(ctx, k) for k in (0, 1))
    assert "vs=first" in first and not any(f.startswith("vs_") for f in first)
    assert {"vs_ops=disjoint", "vs_year=differs", "vs_techs=shared", "vs_gap=section"} <= set(second)


def test_an_installer_named_sentences_later_is_a_role_candidate_of_the_nearest_deployment(extractor):
    from counterwatch.extract import features as F
    text = ("The Harlow Police Service has used face recognition cameras in London since 2021. "
            "The programme covers the central station. Officers said it had helped in several cases. "
            "The installation was carried out by Vantix Ltd, a local integrator.")
    far = _model(["none", "operator", "supplier"], {"rule_operator": [0, 6, 0], "in_far": [0, 0, 6]}, [2, 0, 0])
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    dep = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    assert "Vantix Ltd" not in {m for i in ctx.pool(dep) for _, _, m in ctx.by_sentence[i]}
    assert "Vantix Ltd" in F.role_candidates(ctx, dep, ctx.pool(dep), F.far_sentences(ctx, dep))
    never = _model(["none", "supplies>"], {}, [9, 0])
    Refiner({"roles": far, "relations": never}, {"operator": 0.5, "supplier": 0.5, "keep_rule": 0.9, "relation": 0.5}, "t").refine(ctx)
    dep = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    assert dep.operators == ["Harlow Police Service"] and dep.suppliers == ["Vantix Ltd"]
    assert any("carried out by Vantix Ltd" in e.quote for e in dep.evidence)  # the supplier is cited
    rel = [r for r in ctx.relations if r.predicate == "supplies"]
    assert [(r.subject, r.object) for r in rel] == [("Vantix Ltd", "Harlow Police Service")]
    assert "carried out by Vantix Ltd" in rel[0].evidence.quote
    # a second deployment told right before the installer's sentence claims it: it is nearer
    text2 = text.replace("Officers said", "Since 2023 the Kestrel Border Agency has run drones over the port. Officers said")
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text2)])[0]
    first = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    second = next(d for d in ctx.deployments if "drone" in d.technologies)
    def candidates(d):
        return F.role_candidates(ctx, d, ctx.pool(d), F.far_sentences(ctx, d))
    assert "Vantix Ltd" not in candidates(first) and "Vantix Ltd" in candidates(second)


def test_role_features_say_how_a_mention_is_tied_to_the_technology_word(extractor):
    # the grammar between an actor and the system: subject of the verb that runs it, agent of a passive
    from counterwatch.extract import features as F
    text = ("The Harlow Police Service deployed face recognition cameras at the central station in 2021. "
            "Amnesty International criticised the council. "
            "The face recognition cameras were installed by Vantix Ltd.")
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    dep = next(d for d in ctx.deployments if "face_recognition" in d.technologies)
    every = list(range(len(ctx.spans)))  # all three sentences as the pool: the features, not the reach, are tested
    feats = {n: F.role_features(ctx, dep, n, every, set(ctx.core(dep))) for n in ("Harlow Police Service", "Vantix Ltd", "Amnesty International")}
    assert "m:tlca=nsubj^deploy" in feats["Harlow Police Service"] and "m:tside=after" in feats["Harlow Police Service"]
    assert any(k.startswith("m:tpath=") and "agent^instal" in k for k in feats["Vantix Ltd"])
    assert "m:tside=before" in feats["Vantix Ltd"]
    assert "m:tech=none" in feats["Amnesty International"]  # its sentence names no technology
