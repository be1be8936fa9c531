"""The public register: no login shows accepted claims only and never a protected person; editors log
in (rate-limited, CSRF-protected) or use API tokens."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from counterwatch.ingest.source import Source
from counterwatch.store import store_extraction
from counterwatch.store.accounts import add_user, new_token
from counterwatch.web.app import create_app

TEXT = ("On October 4, 2022, police in Jinan arrested Falun Gong practitioner Xu Wenlong and his cousin. "
        "The police drew blood samples from Xu Wenlong and used facial recognition cameras, according to Minghui.org. "
        "Emile Dirks, a research associate at The Citizen Lab, documented the case.")
SECRET = "Xu Wenlong"


@pytest.fixture()
def setup(engine, extractor):
    src = Source(uri="case.txt", text=TEXT)
    store_extraction(engine, src, extractor(src))
    add_user(engine, "ana", "correct horse battery", "editor")
    return engine, TestClient(create_app(engine, secret_key="test"))


def _csrf(client, path):
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def _accept_all(client, token):
    for c in client.get("/api/sources/1", headers={"Authorization": f"Bearer {token}"}).json()["claims"]:
        r = client.post(f"/api/claims/{c['id']}/review", json={"action": "accept"},
                        headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200


def test_public_sees_accepted_only_and_cannot_write(setup):
    engine, client = setup
    assert client.get("/api/search", params={"q": "blood"}).json() == []  # nothing accepted yet
    assert client.get("/deployments/1").status_code == 404
    assert client.get("/add").status_code == 401
    assert client.post("/api/claims/1/review", json={"action": "accept"}).status_code == 401
    assert client.post("/api/claims/1/review", json={"action": "accept"},
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    _accept_all(client, new_token(engine, "ana"))
    assert client.get("/api/search", params={"q": "blood"}).json()


def test_no_public_page_api_route_or_export_names_a_protected_person(setup):
    engine, client = setup
    _accept_all(client, new_token(engine, "ana"))
    routes = ["/", "/search?q=police", "/api/search?q=Wenlong", "/sources/1", "/deployments/1", "/entities/1", "/map",
              "/network", "/timeline", "/path", "/claims/1/history", "/api/stats", "/api/search?q=police",
              "/api/search?q=blood", "/api/sources/1", "/api/deployments/1", "/api/map", "/api/network",
              "/api/timeline", "/api/deployments"]
    routes += [f"/api/entities/{i}" for i in range(1, 8)] + [f"/entities/{i}" for i in range(1, 8)]
    for route in routes:
        body = client.get(route).text
        assert SECRET not in body and "Wenlong" not in body, route
    editor = client.get("/api/sources/1", headers={"Authorization": f"Bearer {new_token(engine, 'ana')}"}).text
    assert SECRET in editor  # editors see names


def test_login_csrf_and_rate_limit(setup):
    _, client = setup
    token = _csrf(client, "/login")
    assert client.post("/login", data={"username": "ana", "password": "correct horse battery"}).status_code == 403
    for _ in range(5):
        assert client.post("/login", data={"username": "ana", "password": "wrong", "csrf": token}).status_code == 401
    r = client.post("/login", data={"username": "ana", "password": "correct horse battery", "csrf": token})
    assert r.status_code == 429
    other = TestClient(client.app)
    r = other.post("/login", data={"username": "ana", "password": "correct horse battery",
                                   "csrf": _csrf(other, "/login")}, follow_redirects=False)
    assert r.status_code in (303, 429)


def test_editor_decides_protection_and_admin_reads_audit(setup):
    engine, client = setup
    token = new_token(engine, "ana")
    _accept_all(client, token)
    ids = [i for i in range(1, 10) if client.get(f"/api/entities/{i}", headers={"Authorization": f"Bearer {token}"})
           .json().get("name") == SECRET]
    assert ids
    assert client.post(f"/api/entities/{ids[0]}/protected", params={"protected": False}).status_code == 401
    r = client.post(f"/api/entities/{ids[0]}/protected", params={"protected": False},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert SECRET in client.get("/api/sources/1").text  # the editor decided the name may be shown
    assert client.get("/api/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 403  # editor, not admin
    add_user(engine, "root", "another long password", "admin")
    log = client.get("/api/audit", headers={"Authorization": f"Bearer {new_token(engine, 'root')}"}).json()
    assert any(e["action"] == "entity.protect" and e["actor"] == "ana" for e in log)
