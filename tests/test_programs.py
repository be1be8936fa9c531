"""Deployment resolution across sources and claims that point at entities, on SQLite and PostgreSQL:
two sources on one program merge, a negative judgement keeps them apart, a split restores the state
before the merge, and no merge rewrites a claim."""

from __future__ import annotations

import re
import threading

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from counterwatch.cli import app
from counterwatch.ingest.source import Source
from counterwatch.learn.corpus import Document
from counterwatch.learn.program_pairs import gold_extraction
from counterwatch.pipeline.intake import finish
from counterwatch.query import visual
from counterwatch.query.graph import build
from counterwatch.query.records import show
from counterwatch.query.search import search
from counterwatch.query.viewer import STAFF
from counterwatch.store import deployment_resolution as dr
from counterwatch.store import schema as t
from counterwatch.store import store_extraction, survivors
from counterwatch.store.resolution import judge as judge_entities
from counterwatch.store.writer import stats
from counterwatch.web.app import create_app

NEWS = ("Harlow Springs police began using SonicGrid acoustic gunshot detection sensors in Eastgate in 2021, "
        "the Harlow Springs Police Department said.")
NGO = ("A report found that the Harlow Springs Police Department still runs SonicGrid gunshot detection "
       "in Eastgate since 2022, supplied by SonicGrid Analytics.")
DENIAL = "The Harlow Springs Police Department denied that it runs gunshot detection in Eastgate."


def _record(name: str, start: str | None, certainty: str = "reported") -> dict:
    return {"name": name, "country": "US", "places": ["Eastgate"], "technologies": ["gunshot_detection"],
            "operators": ["Harlow Springs Police Department"], "suppliers": ["SonicGrid Analytics"], "targets": [],
            "status": "ongoing", "start": start, "certainty": certainty, "evidence": []}


def _store(engine, doc_id: str, text: str, deployment: dict, published: str, operator: str = "Harlow Springs Police Department") -> int:
    gold = {"document": {"title": doc_id, "published": published},
            "entities": [{"name": operator, "type": "organization"},
                         {"name": "SonicGrid Analytics", "type": "organization"},
                         {"name": "Eastgate", "type": "place", "country": "US"}],
            "deployments": [deployment]}
    result = store_extraction(engine, Source(uri=f"{doc_id}.txt", text=text), gold_extraction(Document(doc_id, text, gold)))
    with Session(engine) as s:
        return s.scalar(select(t.Deployment.id).where(t.Deployment.source_id == result.source_id))


def _claims(engine) -> list[tuple]:
    with Session(engine) as s:
        return s.execute(select(t.Claim.id, t.Claim.record_type, t.Claim.record_id, t.Claim.field, t.Claim.value,
                                t.Claim.entity_id).order_by(t.Claim.id)).all()


def _two_sources(engine) -> tuple[int, int]:
    a = _store(engine, "news", NEWS, _record("Gunshot detection in Eastgate", "2021"), "2021-05-01")
    b = _store(engine, "ngo", NGO, _record("SonicGrid gunshot sensors, Harlow Springs", "2022"), "2023-02-01")
    return a, b


def test_two_sources_on_one_program_merge_without_rewriting_a_claim(engine):
    a, b = _two_sources(engine)
    (pair,) = dr.candidates(engine)
    assert (pair.left_id, pair.right_id) == (a, b) and pair.score >= dr.AUTO_MERGE_SCORE
    assert any("shared operators: Harlow Springs Police Department" in r for r in pair.reasons)
    before = _claims(engine)
    finish(engine)  # after an ingest: entities, then programs
    assert _claims(engine) == before  # the merge is a judgement, not a rewrite
    assert stats(engine)["deployments"] == 2 and stats(engine)["programs"] == 1
    record = show(engine, STAFF, "deployment", b)
    assert record["id"] == a and sorted(record["members"]) == [a, b]
    assert [s["published"] for s in record["sources"]] == ["2021-05-01", "2023-02-01"]
    assert {v["value"] for v in record["fields"]["start"]} == {"2021", "2022"}
    assert "start" in record["conflicts"]  # two start years, each with its source
    (conflict,) = [c for c in record["conflict_details"] if c["field"] == "start"]
    assert [v["value"] for v in conflict["values"]] == ["2021", "2022"]
    assert record["status"]["value"] == "ongoing" and record["status"]["published"] == "2023-02-01"
    hits = search(engine, STAFF, "gunshot")
    assert [(h.record_type, h.record_id) for h in hits if h.record_type == "deployment"] == [("deployment", a)]
    g = build(engine, STAFF)
    assert f"d{b}" not in g and g.has_edge(next(n for n, d in g.nodes(data=True) if d["label"] == "Harlow Springs Police Department"), f"d{a}")
    network = visual.network_data(engine, STAFF)
    assert [n["id"] for n in network["nodes"] if n["kind"] == "deployment"] == [f"d{a}"]


def test_a_programs_record_is_reviewed_in_bulk_with_every_source(engine):
    from counterwatch.store.review import review_all

    a, b = _two_sources(engine)
    dr.judge(engine, a, b, "positive", "ana")
    done = review_all(engine, "accept", "ana", record_type="deployment", record_id=a, field="start")
    assert len(done) == 2 and show(engine, STAFF, "deployment", a)["fields"]["start"][1]["claims"][0]["status"] == "accepted"


def test_a_negative_judgement_keeps_them_apart(engine):
    a, b = _two_sources(engine)
    dr.judge(engine, a, b, "negative", "ana")
    finish(engine)
    assert dr.candidates(engine) == [] and stats(engine)["programs"] == 2
    assert show(engine, STAFF, "deployment", b)["id"] == b


def test_split_restores_the_state_before_the_merge(engine):
    a, b = _two_sources(engine)
    before = (_claims(engine), show(engine, STAFF, "deployment", a), show(engine, STAFF, "deployment", b))
    dr.judge(engine, a, b, "positive", "ana")
    assert dr.merges(engine)[0]["id"] == b
    assert dr.split(engine, b, "ana") == {"id": b, "from": a}
    assert (_claims(engine), show(engine, STAFF, "deployment", a), show(engine, STAFF, "deployment", b)) == before
    dr.auto_merge(engine)  # the split is judged negative: no ingest merges them again
    assert stats(engine)["programs"] == 2


def test_an_operators_denial_against_an_ngos_report_is_a_conflict(engine):
    a, _ = _two_sources(engine)
    c = _store(engine, "denial", DENIAL, _record("Gunshot detection in Eastgate", None, "denied"), "2023-06-01")
    dr.judge(engine, a, c, "positive", "ana")
    record = show(engine, STAFF, "deployment", c)
    denial = [x for x in record["conflict_details"] if x["kind"] == "denial" and x["field"] == "operator"]
    assert denial and denial[0]["value"] == "Harlow Springs Police Department"
    assert "certainty" in record["conflicts"] and "operator" in record["conflicts"]
    assert record["status"]["published"] == "2023-06-01"  # the latest dated source sets the status


def test_entity_valued_claims_follow_an_entity_merge_and_its_split(engine):
    from counterwatch.store.entities import split

    a, b = _two_sources(engine)
    other = _store(engine, "alias", "HSPD runs gunshot detection in Eastgate.",
                   {**_record("Gunshot detection by HSPD", None), "operators": ["HSPD"]}, "2024-01-01", "HSPD")
    with Session(engine) as s:
        hspd = s.scalar(select(t.Entity.id).where(t.Entity.name == "HSPD"))
        police = s.scalar(select(t.Entity.id).where(t.Entity.name == "Harlow Springs Police Department"))
        operator = s.scalar(select(t.Claim).where(t.Claim.record_id == other, t.Claim.field == "operator"))
    assert operator.entity_id == hspd
    before = _claims(engine)
    judge_entities(engine, police, hspd, "positive", "ana")
    assert [x for x in _claims(engine) if x[1] == "deployment"] == [x for x in before if x[1] == "deployment"]
    edges = visual.network_data(engine, STAFF)["edges"]
    assert {e["source"] for e in edges if e["target"] == f"d{other}" and e["predicate"] == "operates"} == {f"e{police}"}
    split(engine, hspd, "ana")
    assert _claims(engine) == before
    edges = visual.network_data(engine, STAFF)["edges"]
    assert {e["source"] for e in edges if e["target"] == f"d{other}" and e["predicate"] == "operates"} == {f"e{hspd}"}


def test_merge_and_split_from_the_api_and_the_cli(engine):
    a, b = _two_sources(engine)
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    csrf = {"X-CSRF-Token": re.search(r'name="csrf" value="([^"]+)"', client.get("/sources/1").text).group(1)}
    (pair,) = client.get("/api/programs/candidates").json()
    assert pair["left_id"] == a and "shared operators" in pair["reason"]
    assert client.post("/api/programs/merge", json={"left_id": a, "right_id": b}, headers=csrf).json()["record"] == a
    assert client.get(f"/api/deployments/{b}").json()["id"] == a
    page = client.get(f"/deployments/{b}")
    assert page.url.path == f"/deployments/{a}" and "Sources (2)" in page.text
    assert client.post(f"/api/deployments/{b}/split", headers=csrf).json() == {"id": b, "from": a}
    assert client.post(f"/api/deployments/{b}/split", headers=csrf).status_code == 400
    url = engine.url.render_as_string(hide_password=False)
    merged = CliRunner().invoke(app, ["programs", "judge", str(a), str(b), "unsure", "--database", url])
    assert merged.exit_code == 0 and stats(engine)["programs"] == 2
    merged = CliRunner().invoke(app, ["programs", "merge", str(a), str(b), "--database", url])
    assert merged.exit_code == 0 and stats(engine)["programs"] == 1
    listed = CliRunner().invoke(app, ["programs", "merges", "--database", url])
    assert f"{b} " in listed.output
    assert CliRunner().invoke(app, ["programs", "split", str(b), "--database", url]).exit_code == 0
    assert stats(engine)["programs"] == 2


def test_one_stored_source_merges_into_the_program_it_continues(engine):
    a, b = _two_sources(engine)
    with Session(engine) as s:
        source = s.get(t.Deployment, b).source_id
    assert dr.merge_programs_of(engine, source) == 1  # what the web's worker does after each job
    assert show(engine, STAFF, "deployment", a)["members"] == [a, b]


def test_a_merge_and_the_entity_ids_travel_in_the_dump(engine, tmp_path):
    from counterwatch.exchange.dump import export_dump, import_dump
    from counterwatch.store import connect

    a, b = _two_sources(engine)
    dr.judge(engine, a, b, "positive", "ana")
    dump = export_dump(engine)
    other = connect(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    import_dump(other, dump)
    assert export_dump(other) == dump and stats(other)["programs"] == 1
    with Session(other) as s:
        assert s.scalars(select(t.Claim.entity_id).where(t.Claim.field == "operator")).all() == \
            [s.scalar(select(t.Entity.id).where(t.Entity.name == "Harlow Springs Police Department"))] * 2


def test_a_merge_chain_that_loops_still_ends_for_search_and_the_record(engine):
    a, b = _two_sources(engine)
    c = _store(engine, "denial", DENIAL, _record("Gunshot detection, Eastgate", None, "denied"), "2024-01-01")
    with Session(engine) as s, s.begin():  # a loop no merge makes (a bad import, a hand edit): a -> b -> c -> b
        s.get(t.Deployment, a).merged_into = b
        s.get(t.Deployment, b).merged_into = c
        s.get(t.Deployment, c).merged_into = b
    done: dict = {}

    def read() -> None:
        with Session(engine) as s:
            done["live"] = survivors.live_deployments(s, [a, b, c])
        done.update(record=show(engine, STAFF, "deployment", a), hits=search(engine, STAFF, "gunshot"))

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "a looping merge chain never ended"
    assert {i: live for i, (live, _) in done["live"].items()} == {a: c, b: c, c: b}  # each stops where it would repeat
    assert done["record"]["id"] == c and sorted(done["record"]["members"]) == sorted([a, b, c])
    assert {h.record_id for h in done["hits"] if h.record_type == "deployment"} <= {b, c}


def test_a_program_larger_than_its_page_gives_totals_and_the_rest_on_request(engine, monkeypatch):
    from counterwatch.query import program_record, records

    monkeypatch.setattr(program_record, "SOURCES_SHOWN", 2)
    monkeypatch.setattr(records, "MEMBERS_SHOWN", 2)
    ids = [_store(engine, f"r{i}", f"{NEWS} Report {i}.", _record("Gunshot detection in Eastgate", "2021"),
                  f"2021-0{9 - i}-01") for i in range(7)]  # the newest report first
    for other in ids[1:]:
        dr.judge(engine, ids[0], other, "positive", "ana")
    record = show(engine, STAFF, "deployment", ids[3])
    assert record["id"] == ids[0] and record["members_total"] == 7 and record["members"] == ids[:2]
    (operator,) = record["fields"]["operator"]
    assert operator["claims_total"] == 7 and len(operator["claims"]) == records.CLAIMS_PER_VALUE
    with Session(engine) as s:  # every claim of the value, and every source oldest first, walked directly
        found = s.execute(select(t.Claim.id, t.Claim.quote, t.Source.title).join(t.Source).where(
            t.Claim.record_type == "deployment", t.Claim.record_id.in_(ids), t.Claim.field == "operator")
            .order_by(t.Claim.id)).all()
        every, quotes = [i for i, _, _ in found], [(q, title) for _, q, title in found]
        by_date = s.scalars(select(t.Source.id).order_by(t.Source.published)).all()
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1")
    shown = len(operator["claims"])
    rest = client.get(f"/api/deployments/{ids[5]}/claims",
                      params={"field": "operator", "value": operator["value"], "offset": shown}).json()
    assert rest["id"] == ids[0] and rest["claims_total"] == 7
    assert [c["claim_id"] for c in operator["claims"] + rest["claims"]] == every
    assert [(c["quote"], c["source_title"]) for c in rest["claims"]] == quotes[shown:]  # each a claim with its quote
    assert record["sources_total"] == 7 and [x["source_id"] for x in record["sources"]] == by_date[:2]
    sources = client.get(f"/api/deployments/{ids[0]}/sources", params={"offset": 2, "limit": 10}).json()
    assert sources["sources_total"] == 7 and [x["source_id"] for x in sources["sources"]] == by_date[2:]
    members = client.get(f"/api/deployments/{ids[0]}/members", params={"offset": 2}).json()
    assert members["members_total"] == 7 and members["members"] == ids[2:]
    page = client.get(f"/deployments/{ids[0]}").text  # the page offers the rest: links, then the pages they open
    more = re.search(r'href="(/deployments/\d+/claims\?field=operator&amp;value=[^"]+)"', page).group(1)
    listed = client.get(more.replace("&amp;", "&")).text
    assert f"Claims {shown + 1}–7 of 7" in listed and listed.count("<blockquote>") == 7 - shown
    assert f'href="/deployments/{ids[0]}/sources?offset=2"' in page
    assert "Sources 3–7 of 7" in client.get(f"/deployments/{ids[0]}/sources?offset=2").text
    assert client.get(f"/api/deployments/{ids[0]}/claims", params={"field": "operator", "value": "nobody"}).status_code == 404
