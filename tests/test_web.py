"""The web application through its HTTP interface: pages, API, review, upload, hostile text."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from counterwatch.ingest.source import Source
from counterwatch.store import connect, store_extraction
from counterwatch.web.app import create_app

HOSTILE = ("Police in Tallinn deployed facial recognition cameras supplied by Hikvision in 2022. "
           "<script>alert('x')</script> The city council <img src=x onerror=alert(1)> approved it.")


@pytest.fixture()
def client(tmp_path, extractor):
    engine = connect(f"sqlite:///{tmp_path / 'web.sqlite'}")
    src = Source(uri="hostile.txt", text=HOSTILE)
    store_extraction(engine, src, extractor(src))
    return TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def test_home_search_and_record_pages(client):
    home = client.get("/")
    assert home.status_code == 200 and "1</strong> sources" in home.text
    hits = client.get("/api/search", params={"q": "facial recognition"}).json()
    assert hits and hits[0]["record_type"] == "deployment"
    page = client.get(f"/deployments/{hits[0]['record_id']}")
    assert page.status_code == 200 and "face_recognition" in page.text and "Hikvision" in page.text
    assert client.get("/search", params={"q": "Hikvision", "technology": "face_recognition"}).text.count("<li>") >= 1
    assert client.get("/deployments/999").status_code == 404


def test_source_text_is_escaped_and_scripts_are_blocked(client):
    page = client.get("/sources/1")
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "<img src=x" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]



def test_refusals_before_any_route_carry_the_security_headers(client):
    """The identifying middleware answers some requests itself (a forged cross-origin write, an
    unknown API token): those answers are pages too and must not be framed or sniffed."""
    forged = client.post("/api/claims/1/review", json={"action": "accept"}, headers={"Origin": "http://evil.example"})
    unknown = client.get("/api/stats", headers={"Authorization": "Bearer cw_nobody"})
    assert (forged.status_code, unknown.status_code) == (403, 401)
    for r in (forged, unknown):
        assert r.headers["x-frame-options"] == "DENY" and "object-src 'none'" in r.headers["content-security-policy"]

def test_review_from_the_source_page_changes_history(client):
    claim = client.get("/api/sources/1").json()["claims"][0]
    form = {"action": "accept", "back": "/sources/1"}
    assert client.post(f"/claims/{claim['id']}/review", data=form, follow_redirects=False).status_code == 403  # no CSRF
    r = client.post(f"/claims/{claim['id']}/review", data={**form, "csrf": _csrf(client, "/sources/1")},
                    follow_redirects=False)
    assert r.status_code == 303
    steps = client.get(f"/api/claims/{claim['id']}/history").json()
    assert steps[0]["after"]["status"] == "accepted" and steps[0]["editor"] == "local"
    csrf = {"X-CSRF-Token": _csrf(client, "/sources/1")}
    assert client.post(f"/api/claims/{claim['id']}/review", json={"action": "reject"}).status_code == 403  # no token
    assert client.post(f"/api/claims/{claim['id']}/review", json={"action": "reject"}, headers=csrf).status_code == 400


def test_add_source_by_upload_and_by_text(client):
    token = _csrf(client, "/add")
    r = client.post("/add", data={"csrf": token},
                    files={"file": ("report.txt", b"Police in Riga operate drones over protests, according to "
                                                  b"Amnesty International.", "text/plain")})
    assert r.status_code == 200 and "/jobs/" in str(r.url)  # the job's page: extraction is off the request
    page = _until_done(client, str(r.url))
    assert "drone" in page.text  # the done job redirects to the new source page
    bad = client.post("/add", data={"csrf": token}, files={"file": ("x.txt", b"\x00\x01binary", "text/plain")})
    assert "binary" in _until_failed(client, str(bad.url)).text
    assert client.get("/api/stats").json()["sources"] == 2


def _until_done(client, url: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = client.get(url)
        if "/jobs/" not in str(r.url):
            return r
        time.sleep(0.3)
    raise AssertionError(f"job at {url} not done in {seconds} s")


def _until_failed(client, url: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = client.get(url)
        if 'data-status="failed"' in r.text:
            return r
        time.sleep(0.3)
    raise AssertionError(f"job at {url} did not fail in {seconds} s")


def test_openapi_lists_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/stats", "/api/sources/{source_id}", "/api/claims/{claim_id}/review"} <= set(paths)


def test_an_entity_page_links_to_the_claims_past_its_first_few(tmp_path, extractor):
    from counterwatch.query.records import CLAIMS_PER_VALUE

    engine = connect(f"sqlite:///{tmp_path / 'many.sqlite'}")
    reports = CLAIMS_PER_VALUE + 2
    for i in range(reports):
        src = Source(uri=f"m{i}.txt", text=f"Report {i}. Police in Tallinn deployed facial recognition cameras supplied by Hikvision.")
        store_extraction(engine, src, extractor(src))
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    with engine.connect() as conn:
        hikvision = conn.exec_driver_sql("SELECT id FROM entity WHERE name = 'Hikvision'").scalar_one()
    page = client.get(f"/entities/{hikvision}").text
    assert page.count("<blockquote>") >= CLAIMS_PER_VALUE
    more = re.search(rf'href="(/entities/{hikvision}/claims\?field=mention&amp;value=[^"]+)">the other 2<', page).group(1)
    rest = client.get(more.replace("&amp;", "&"))
    assert rest.status_code == 200 and rest.text.count("<blockquote>") == 2
    assert f"Claims {CLAIMS_PER_VALUE + 1}–{reports} of {reports}" in rest.text and f'href="/entities/{hikvision}"' in rest.text


def test_record_api_lists_as_many_claims_per_value_as_asked_within_the_limit(tmp_path, extractor):
    from counterwatch.limits import LIMITS

    engine = connect(f"sqlite:///{tmp_path / 'claims.sqlite'}")
    for i in range(3):
        src = Source(uri=f"r{i}.txt", text=f"Report {i}. Police in Tallinn deployed facial recognition cameras supplied by Hikvision.")
        store_extraction(engine, src, extractor(src))
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    with engine.connect() as conn:
        hikvision = conn.exec_driver_sql("SELECT id FROM entity WHERE name = 'Hikvision'").scalar_one()
    url = f"/api/entities/{hikvision}"
    (mention,) = client.get(url).json()["fields"]["mention"]
    assert len(mention["claims"]) == mention["claims_total"] == 3
    everyone = mention["claims"]
    (mention,) = client.get(url, params={"claims": 2}).json()["fields"]["mention"]
    assert len(mention["claims"]) == 2 and mention["claims_total"] == 3
    rest = client.get(f"{url}/claims", params={"field": "mention", "value": mention["value"], "offset": 2}).json()
    assert rest["claims_total"] == 3 and rest["offset"] == 2
    assert [c["claim_id"] for c in mention["claims"] + rest["claims"]] == sorted(c["claim_id"] for c in everyone)
    for bad in (0, LIMITS.claims_per_value_max + 1):
        assert client.get(url, params={"claims": bad}).status_code in (400, 422)
