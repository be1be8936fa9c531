"""Forged and stale credentials: CSRF and origin checks on browser writes, the Host check of open
editing, sessions that end on the server, revocable tokens, http(s)-only URLs, boundary redaction."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from counterwatch.cli import app as cli
from counterwatch.ingest.source import Source
from counterwatch.query.redaction import MASK, PROTECTED, Redactor
from counterwatch.store import connect, store_extraction
from counterwatch.store.accounts import add_user, new_token, remove_user, set_password, set_role, tokens
from counterwatch.store.writer import stats
from counterwatch.web.app import create_app

PASSWORD = "correct horse battery"
TEXT = "Police in Oslo deployed facial recognition cameras supplied by Hikvision in 2021, the city said."


@pytest.fixture()
def engine(tmp_path, extractor):
    eng = connect(f"sqlite:///{tmp_path / 'r.sqlite'}")
    src = Source(uri="a.txt", text=TEXT)
    store_extraction(eng, src, extractor(src))
    add_user(eng, "ed", PASSWORD, "editor")
    return eng


def _csrf(client: TestClient, path: str = "/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def _login(app, base_url: str = "http://testserver") -> TestClient:
    client = TestClient(app, base_url=base_url)
    r = client.post("/login", data={"username": "ed", "password": PASSWORD, "csrf": _csrf(client)},
                    follow_redirects=False)
    assert r.status_code == 303
    return client


def _review(client: TestClient, headers: dict | None = None) -> int:
    return client.post("/api/claims/1/review", json={"action": "accept"}, headers=headers or {}).status_code


def test_cookie_writes_need_the_csrf_token_and_our_origin(engine):
    client = _login(create_app(engine, secret_key="s"))
    token = _csrf(client, "/")
    assert _review(client) == 403  # the cookie alone is no authority
    assert _review(client, {"X-CSRF-Token": token, "Origin": "http://testserver:9999"}) == 403  # another port
    assert _review(client, {"X-CSRF-Token": token, "Referer": "http://attacker.example/page"}) == 403
    assert client.post("/api/entities/1/protected", params={"protected": False}).status_code == 403
    assert _review(client, {"X-CSRF-Token": token, "Origin": "http://testserver"}) == 200
    bearer = {"Authorization": f"Bearer {new_token(engine, 'ed')}", "Origin": "http://attacker.example"}
    assert client.post("/api/claims/2/review", json={"action": "accept"}, headers=bearer).status_code == 200


def test_open_editing_checks_host_and_origin(engine):
    app = create_app(engine, open_editing=True)
    assert TestClient(app, base_url="http://attacker.example").get("/").status_code == 400  # DNS rebinding
    local = TestClient(app, base_url="http://127.0.0.1:8000")
    token = _csrf(local, "/")
    assert _review(local, {"Origin": "http://127.0.0.1:9999", "X-CSRF-Token": token}) == 403
    assert local.post("/api/entities/1/protected", params={"protected": False}).status_code == 403  # cookie-less form
    assert _review(local, {"Origin": "http://127.0.0.1:8000", "X-CSRF-Token": token}) == 200


def test_removed_logged_out_and_changed_accounts_lose_their_sessions(engine):
    app = create_app(engine, secret_key="s")
    client = _login(app)
    assert client.get("/api/queue").status_code == 200
    copy = TestClient(app, cookies=dict(client.cookies))  # the cookie, stolen or replayed
    assert copy.get("/api/queue").status_code == 200
    r = client.post("/logout", data={"csrf": _csrf(client, "/")}, follow_redirects=False)
    assert r.status_code == 303
    assert copy.get("/api/queue").status_code == 401  # logout ended the session on the server
    for change in (lambda: set_role(engine, "ed", "viewer"), lambda: set_role(engine, "ed", "editor"),
                   lambda: set_password(engine, "ed", "another long password")):
        client = _login(app)
        change()
        assert client.get("/api/queue").status_code == 401
        set_password(engine, "ed", PASSWORD)
    client = _login(app)
    remove_user(engine, "ed")
    assert client.get("/api/queue").status_code == 401
    assert _review(client, {"X-CSRF-Token": "any"}) == 401


def test_api_tokens_are_revoked_one_by_one(engine):
    client = TestClient(create_app(engine, secret_key="s"))
    first, second = new_token(engine, "ed"), new_token(engine, "ed")
    a, b = ({"Authorization": f"Bearer {x}"} for x in (first, second))
    ids = [row["id"] for row in client.get("/api/tokens", headers=a).json()]
    assert len(ids) == 2
    assert client.delete(f"/api/tokens/{ids[0]}", headers=b).status_code == 200
    assert client.get("/api/queue", headers=a).status_code == 401 and client.get("/api/queue", headers=b).status_code == 200
    add_user(engine, "other", PASSWORD, "editor")
    assert client.delete(f"/api/tokens/{ids[1]}", headers={"Authorization": f"Bearer {new_token(engine, 'other')}"}
                         ).status_code == 404  # not theirs
    url = engine.url.render_as_string(hide_password=False)
    assert CliRunner().invoke(cli, ["user", "revoke-token", str(ids[1]), "--database", url]).exit_code == 0
    assert client.get("/api/queue", headers=b).status_code == 401 and tokens(engine, "ed") == []


def test_session_cookie_is_secure_over_https(engine):
    app = create_app(engine, secret_key="s")
    assert "secure" in TestClient(app, base_url="https://testserver").get("/login").headers["set-cookie"].lower()
    assert "secure" not in TestClient(app).get("/login").headers["set-cookie"].lower()


def test_the_url_field_reads_no_file_from_the_server(engine, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Police in Oslo use drones, the server's private file says.")
    client = _login(create_app(engine, secret_key="s"))
    before = stats(engine)["sources"]
    for url in (str(secret), f"file://{secret}", "/etc/passwd", "HTTP:/etc/passwd"):
        r = client.post("/add", data={"url": url, "csrf": _csrf(client, "/add")})
        assert r.status_code == 200 and "http(s)" in r.text, url
    assert stats(engine)["sources"] == before


def test_redaction_by_name_boundaries_keeps_offsets():
    hide = Redactor.of(["Anna Berg", "A. Berg-Holm"])
    text = "Anna Berg spoke in Bergen; BERG's sister and anna\nberg met Berg-Holm. Bergen stays Bergen."
    out = hide.text(text)
    assert len(out) == len(text)  # masked to the same length: every offset still points at its word
    assert out.count("Bergen") == 3 and "Berg's" not in out.replace("BERG", "Berg") and "Anna" not in out
    assert out.startswith(MASK * 9 + " spoke") and "anna" not in out.lower().replace("bergen", "")
    assert hide.text("Anna Berg") == PROTECTED and hide.text("Bergen") == "Bergen"
    assert hide.scrub({"text": "Anna Berg", "name": "Anna Berg"}) == {"text": MASK * 9, "name": PROTECTED}
    assert hide.text("Anna Berg asked", keep="anna berg") == "Anna Berg asked"  # the visitor's own words
    assert not Redactor.of([]) and Redactor.of([]).text(text) == text


def test_search_filters_do_not_confirm_unreviewed_values(engine):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from counterwatch.query.search import search
    from counterwatch.query.viewer import STAFF, public_viewer
    from counterwatch.store import schema as t
    from counterwatch.store.review import review

    with Session(engine) as session:
        claims = session.scalars(select(t.Claim).where(t.Claim.record_type == "deployment")).all()
    tech = next(c for c in claims if c.field == "technology")
    for c in claims:
        if c.field != "technology":
            review(engine, c.id, "accept", "ed")
    public = public_viewer(engine)
    assert search(engine, public, "police") and search(engine, STAFF, "police", technology=tech.value)
    assert search(engine, public, "police", technology=tech.value) == []  # only an unreviewed claim says so
    review(engine, tech.id, "accept", "ed")
    assert search(engine, public, "police", technology=tech.value)
