"""The editor's workbench through HTTP: claims made by hand, bulk review, the filtered queue."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from counterwatch.ingest.source import Source
from counterwatch.store import connect, store_extraction
from counterwatch.store.audit import entries
from counterwatch.web.app import create_app

TEXT = ("Police in Tallinn deployed facial recognition cameras supplied by Hikvision in 2022. "
        "The contract was signed in March 2021 with the Estonian Interior Ministry, a spokesperson said.\n"
        "Ülle Kask of Amnesty International criticised the system.")


@pytest.fixture()
def app_client(tmp_path, extractor):
    engine = connect(f"sqlite:///{tmp_path / 'bench.sqlite'}")
    src = Source(uri="tallinn.txt", text=TEXT)
    store_extraction(engine, src, extractor(src))
    return engine, TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")


def _csrf(client) -> dict:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/sources/1").text).group(1)
    return {"X-CSRF-Token": token}


def _span(needle: str) -> dict:
    start = TEXT.index(needle)
    return {"start": start, "end": start + len(needle), "quote": needle}


def test_a_hand_made_claim_quotes_the_stored_text_exactly(app_client):
    engine, client = app_client
    csrf = _csrf(client)
    body = {**_span("March 2021"), "certainty": "reported", "kind": "deployment", "field": "contract",
            "value": "2021-03", "deployment_name": "Tallinn police face recognition"}
    made = client.post("/api/sources/1/claims", json=body, headers=csrf)
    assert made.status_code == 201, made.text
    claim = made.json()
    assert claim["made_by"] == "local" and claim["status"] == "accepted"
    record = client.get(f"/api/deployments/{claim['record_id']}").json()
    shown = record["fields"]["contract"][0]["claims"][0]
    assert TEXT[shown["start"]:shown["end"]] == shown["quote"] == "March 2021"
    steps = client.get(f"/api/claims/{claim['claim_id']}/history").json()
    assert [s["action"] for s in steps] == ["create"] and steps[0]["editor"] == "local"
    assert any(e["action"] == "claim.create" and e["target"] == f"claim:{claim['claim_id']}" for e in entries(engine))
    # an existing deployment gets a second field from another quote
    again = client.post("/api/sources/1/claims", headers=csrf, json={
        **_span("Estonian Interior Ministry"), "certainty": "reported", "kind": "deployment", "field": "operator",
        "value": "Estonian Interior Ministry", "deployment_id": claim["record_id"]}).json()
    assert again["record_id"] == claim["record_id"]


def test_offsets_that_do_not_match_the_text_are_refused_and_nothing_is_stored(app_client):
    engine, client = app_client
    csrf = _csrf(client)
    before = client.get("/api/stats").json()["claims"]
    span = _span("Hikvision")
    wrong = {**span, "start": span["start"] + 1, "end": span["end"] + 1, "certainty": "reported",
             "kind": "entity", "entity_type": "organization"}
    r = client.post("/api/sources/1/claims", json=wrong, headers=csrf)
    assert r.status_code == 400 and "select it again" in r.json()["detail"]
    for bad in ({"certainty": "sure"}, {"kind": "deployment", "field": "colour", "value": "x", "deployment_name": "x"},
                {"entity_type": "animal"}):
        assert client.post("/api/sources/1/claims", headers=csrf, json={**span, "certainty": "reported", "kind": "entity",
                                                                         "entity_type": "organization", **bad}).status_code == 400
    assert client.post("/api/sources/1/claims", json={**span, "certainty": "reported", "kind": "entity",
                                                      "entity_type": "organization"}).status_code == 403  # no CSRF
    assert client.get("/api/stats").json()["claims"] == before


def test_a_new_entity_and_a_relation_by_hand(app_client):
    engine, client = app_client
    csrf = _csrf(client)
    ent = client.post("/api/sources/1/claims", headers=csrf, json={
        **_span("Ülle Kask"), "certainty": "reported", "kind": "entity", "entity_type": "person"}).json()
    assert ent["field"] == "mention" and ent["value"] == "Ülle Kask"
    org = client.post("/api/sources/1/claims", headers=csrf, json={
        **_span("Amnesty International"), "certainty": "reported", "kind": "entity", "entity_type": "organization"}).json()
    rel = client.post("/api/sources/1/claims", headers=csrf, json={
        **_span("Ülle Kask of Amnesty International"), "certainty": "documented", "kind": "relation",
        "subject_id": ent["record_id"], "predicate": "affiliated_with", "object_id": org["record_id"]})
    assert rel.status_code == 201 and rel.json()["value"] == "Ülle Kask -> Amnesty International"
    assert client.get(f"/api/entities/{ent['record_id']}").json()["entity_type"] == "person"
    assert "affiliated_with" in client.get(f"/entities/{ent['record_id']}").text
    public = TestClient(create_app(engine), base_url="http://127.0.0.1:8000")
    assert "Kask" in public.get(f"/entities/{org['record_id']}").text  # extraction saw no cue to protect her
    surname = client.post("/api/sources/1/claims", headers=csrf, json={  # a person new to the register...
        **_span("Kask"), "certainty": "reported", "kind": "entity", "entity_type": "person"}).json()
    assert surname["record_id"] != ent["record_id"]
    seen = public.get(f"/entities/{org['record_id']}").text + public.get("/api/sources/1").text
    assert "affiliated_with" in seen and "Kask" not in seen  # ...starts protected until an editor decides
    bad = client.post("/api/sources/1/claims", headers=csrf, json={
        **_span("Ülle Kask"), "certainty": "reported", "kind": "relation", "subject_id": ent["record_id"],
        "predicate": "affiliated_with", "object_id": ent["record_id"]})
    assert bad.status_code == 400


def test_bulk_review_of_a_source_and_of_a_field(app_client):
    engine, client = app_client
    csrf = _csrf(client)
    queue = client.get("/api/queue").json()
    fields = {c["field"] for c in queue if c["record_type"] == "deployment"}
    assert "technology" in fields
    tech = client.get("/api/queue", params={"field": "technology", "source_id": 1}).json()
    assert tech and all(c["field"] == "technology" for c in tech)
    dep = tech[0]["record_id"]
    r = client.post("/api/claims/bulk", headers=csrf, json={"action": "accept", "record_type": "deployment",
                                                            "record_id": dep, "field": "technology"})
    assert r.status_code == 200 and r.json()["count"] == len([c for c in tech if c["record_id"] == dep])
    assert not client.get("/api/queue", params={"field": "technology", "source_id": 1}).json()
    assert client.post("/api/claims/bulk", headers=csrf, json={"action": "reject", "source_id": 1}).status_code == 400
    assert client.post("/api/claims/bulk", headers=csrf, json={"action": "accept"}).status_code == 400
    rest = client.post("/api/claims/bulk", headers=csrf, json={"action": "reject", "reason": "off topic", "source_id": 1})
    assert rest.json()["count"] == len(queue) - r.json()["count"]
    assert client.get("/api/queue").json() == []
    assert client.get(f"/api/claims/{rest.json()['claims'][0]}/history").json()[0]["reason"] == "off topic"


def test_queue_filters_by_certainty_and_confidence(app_client):
    engine, client = app_client
    everything = client.get("/api/queue").json()
    reported = client.get("/api/queue", params={"certainty": "reported"}).json()
    assert {c["certainty"] for c in reported} == {"reported"} and len(reported) <= len(everything)
    assert client.get("/api/queue", params={"min_confidence": 0.5}).json() == []  # the rule pass scores nothing
    assert client.get("/api/queue", params={"min_confidence": 2}).status_code == 400
    page = client.get("/review", params={"certainty": "reported"})
    assert page.status_code == 200 and page.text.count('data-claim="') == len(reported)


def test_post_source_with_wait_gives_the_stored_source_and_failures_reach_the_ingest_report(app_client):
    engine, client = app_client
    csrf = {"csrf": _csrf(client)["X-CSRF-Token"]}  # a form post: the token is a field
    text = "Police in Riga operate drones over protests, according to Amnesty International."
    done = client.post("/api/sources", data={"text": text, "title": "Riga", "wait": "60", **csrf})
    assert done.status_code == 200, done.text
    job = done.json()
    assert job["status"] == "done" and job["source_id"] and job["source_claims"]
    stored = "".join(p["text"] for p in client.get(f"/api/sources/{job['source_id']}").json()["pieces"])
    assert text in stored and all(stored[c["start"]:c["end"]] == c["quote"] for c in job["source_claims"])
    broken = client.post("/api/sources", files={"file": ("report.pdf", b"%PDF-1.7 not really", "application/pdf")},
                         data={"wait": "60", **csrf})
    assert broken.status_code == 200 and broken.json()["status"] == "failed" and broken.json()["error"]
    report = client.get("/api/ingest-report").json()
    assert [j["name"] for j in report] == ["report.pdf"] and report[0]["error"] == broken.json()["error"]
    page = client.get("/ingest-report")
    assert "report.pdf" in page.text and broken.json()["error"].split("(")[0].strip() in page.text
    queued = client.post("/api/sources", data={"text": text + " Again.", "title": "Riga 2", **csrf})
    assert queued.status_code == 202 and queued.json()["poll"].startswith("/api/jobs/")
    assert client.post("/api/sources", data={"text": text, "wait": "6000", **csrf}).status_code == 400


def test_exports_are_public_for_visitors_and_full_for_editors(tmp_path, extractor):
    engine = connect(f"sqlite:///{tmp_path / 'exports.sqlite'}")
    src = Source(uri="tallinn.txt", text=TEXT)
    store_extraction(engine, src, extractor(src))
    editor = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    visitor = TestClient(create_app(engine), base_url="http://127.0.0.1:8000")
    full = editor.get("/api/exports/csv")
    assert full.status_code == 200 and full.headers["content-type"].startswith("text/csv")
    assert 'filename="counterwatch-full.csv"' in full.headers["content-disposition"]
    assert "Hikvision" in full.text
    public = visitor.get("/api/exports/csv")  # nothing accepted yet: the public sees an empty register
    assert 'counterwatch-public.csv' in public.headers["content-disposition"]
    assert public.text.strip().count("\n") == 0 and "Hikvision" not in public.text
    for fmt, marker in (("ftm", '"schema"'), ("geojson", "FeatureCollection"), ("gexf", "<gexf")):
        assert marker in editor.get(f"/api/exports/{fmt}").text
    assert editor.get("/api/exports/xls").status_code == 404
    assert visitor.get("/api/ingest-report").status_code == 401
    assert "/api/exports/gexf" in visitor.get("/exports").text


TWIN = "A researcher at Amnesty Intl criticised the cameras in Tallinn."


def test_edit_an_entity_and_resolve_split_a_merge(tmp_path, extractor):
    engine = connect(f"sqlite:///{tmp_path / 'entities.sqlite'}")
    for uri, text in (("tallinn.txt", TEXT), ("twin.txt", TWIN)):
        src = Source(uri=uri, text=text)
        store_extraction(engine, src, extractor(src))
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    csrf = _csrf(client)
    start = TWIN.index("Amnesty Intl")  # the second spelling, claimed by hand: a candidate duplicate
    assert client.post("/api/sources/2/claims", headers=csrf, json={
        "start": start, "end": start + 12, "quote": "Amnesty Intl", "certainty": "reported", "kind": "entity",
        "entity_type": "organization"}).status_code == 201
    mention = next(c for c in client.get("/api/sources/1").json()["claims"]
                   if c["record_type"] == "entity" and c["value"] == "Hikvision")
    ent_id = mention["record_id"]
    r = client.patch(f"/api/entities/{ent_id}", headers=csrf,
                     json={"name": "Hangzhou Hikvision", "type": "organization", "aliases": ["HIK"], "country": "cn"})
    assert r.status_code == 200, r.text
    shown = client.get(f"/api/entities/{ent_id}").json()
    assert shown["name"] == "Hangzhou Hikvision" and shown["country"] == "CN"
    assert set(shown["aliases"]) == {"HIK", "Hikvision"}  # the old name stays an alias
    assert mention["value"] == next(c for c in client.get("/api/sources/1").json()["claims"]
                                    if c["id"] == mention["id"])["value"]  # what the source said is unchanged
    for bad in ({"country": "XX"}, {"type": "animal"}, {"name": "  "}):
        assert client.patch(f"/api/entities/{ent_id}", headers=csrf, json=bad).status_code == 400
    assert client.get(f"/api/entities/{ent_id}").json()["name"] == "Hangzhou Hikvision"
    assert any(e["action"] == "entity.edit" for e in entries(engine))

    pairs = client.get("/api/resolution/candidates").json()
    assert pairs and all(p["reason"] for p in pairs)
    pair = next(p for p in pairs if {p["left"], p["right"]} == {"Amnesty International", "Amnesty Intl"})
    assert client.post("/api/resolution/judge", headers=csrf, json={**pair, "judgement": "maybe"}).status_code == 400
    assert client.post("/api/resolution/judge", headers=csrf,
                       json={"left_id": pair["left_id"], "right_id": pair["right_id"], "judgement": "positive"}).status_code == 200
    gone = max(pair["left_id"], pair["right_id"])
    keep = min(pair["left_id"], pair["right_id"])
    merged_claims = [c["claim_id"] for vs in client.get(f"/api/entities/{keep}").json()["fields"].values()
                   for v in vs for c in v["claims"]]
    page = client.get("/resolve")
    assert f'id="merged-{gone}"' in page.text
    split = client.post(f"/api/entities/{gone}/split", headers=csrf)
    assert split.status_code == 200 and split.json()["claims"] >= 1
    back = client.get(f"/api/entities/{gone}").json()
    assert back["id"] == gone and back["fields"]["mention"]
    assert len(merged_claims) > len([c for vs in client.get(f"/api/entities/{keep}").json()["fields"].values()
                                   for v in vs for c in v["claims"]])
    assert (pair["left_id"], pair["right_id"]) not in {(p["left_id"], p["right_id"])
                                                      for p in client.get("/api/resolution/candidates").json()}
    assert client.post(f"/api/entities/{gone}/split", headers=csrf).status_code == 400
