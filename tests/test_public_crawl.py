"""The public view as an attacker walks it: every API route of the OpenAPI schema (every path
parameter from the register's ids, every documented query parameter), every link of every page and
every export with --public, as an anonymous visitor, a viewer account and a removed editor's old
session. No protected name may appear anywhere; no unreviewed claim's value anywhere the identity
may not read proposals; no write may succeed."""

from __future__ import annotations

import html
import json
import re
from collections import deque
from urllib.parse import urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from counterwatch.cli import app as cli
from counterwatch.exchange.formats import FORMATS
from counterwatch.ingest.source import Source
from counterwatch.store import connect, store_extraction
from counterwatch.store import schema as t
from counterwatch.store.accounts import add_user, remove_user, set_protected
from counterwatch.store.review import review
from counterwatch.web.app import create_app

PROTECTED = "Anna Lindqvist"
TEXTS = {  # the protected person is named in every source; only the first source's claims get accepted
    "accepted.txt": "Police in Oslo deployed facial recognition cameras supplied by Hikvision in 2021, the city said. "
                    "Anna Lindqvist, a local resident, was misidentified by the cameras, NRK reported.",
    "proposed.txt": "Police in Bergen operate drones supplied by Skyfront Dynamics since 2020, according to Amnesty "
                    "International. ANNA LINDQVIST was detained after a protest, her lawyer said.",
    "rejected.txt": "The Trondheim municipality uses license plate readers supplied by Vaktor Systems in 2019, "
                    "records show. Lindqvist's relatives were questioned by the Trondheim police.",
}
PASSWORD = "correct horse battery"
WORD = re.compile(r"(?<!\w){}(?!\w)")


@pytest.fixture(scope="module")
def register(tmp_path_factory, extractor):
    engine = connect(f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'register.sqlite'}")
    for uri, text in TEXTS.items():
        src = Source(uri=uri, text=text, title=f"Report {uri}")
        store_extraction(engine, src, extractor(src))
    with Session(engine) as session:
        person = session.scalar(select(t.Entity).where(t.Entity.name == PROTECTED))
        claims = session.scalars(select(t.Claim).order_by(t.Claim.id)).all()
        first = {c.id for c in claims if c.source_id == 1}
        third = [c.id for c in claims if c.source_id == 3]
    assert person is not None, "fixture text no longer yields the person"
    set_protected(engine, person.id, True, "test")  # an editor's decision, whatever the lexicon suggests
    for cid in first:
        review(engine, cid, "accept", "ana")
    review(engine, third[0], "reject", "ana", reason="Trondheim secret reason")
    with Session(engine) as session:
        claims = session.scalars(select(t.Claim)).all()
        accepted = {c.value.lower() for c in claims if c.status == "accepted"}
        public_text = " ".join(s.text for s in session.scalars(select(t.Source).where(t.Source.id == 1))).lower()
        unreviewed = {c.value for c in claims if c.status != "accepted"}
        ids = {"claim_id": [c.id for c in claims], "source_id": list(session.scalars(select(t.Source.id))),
               "entity_id": list(session.scalars(select(t.Entity.id))),
               "record_id": list(session.scalars(select(t.Entity.id))) + list(session.scalars(select(t.Deployment.id)))}
    empty = TestClient(create_app(connect(f"sqlite:///{tmp_path_factory.mktemp('empty') / 'e.sqlite'}"), secret_key="x"))
    chrome = " ".join(empty.get(p).text.lower() for p in ("/", "/search", "/map", "/path", "/login"))
    # a value only an unreviewed claim holds: not accepted, not in the public source, not our own UI's words
    secrets_ = {v for v in unreviewed if len(v) >= 4 and v.lower() not in accepted and v.lower() not in public_text
                and v.lower() not in chrome} | {"Trondheim secret reason"}
    assert {"Skyfront Dynamics", "Vaktor Systems"} <= secrets_
    ids["claim_id"].append(max(ids["claim_id"]) + 1)
    add_user(engine, "vera", PASSWORD, "viewer")
    add_user(engine, "ed", PASSWORD, "editor")
    return engine, ids, secrets_


def _login(app, name: str) -> TestClient:
    client = TestClient(app)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    return client


def _leaks(body: str, sent: list[str], secrets_: set[str], proposals_visible: bool) -> list[str]:
    for value in sent:  # what the visitor typed comes back as typed; that is not a leak
        for form in {value, html.escape(value), json.dumps(value)[1:-1]}:
            body = re.sub(re.escape(form), " ", body, flags=re.IGNORECASE)
    found = [n for n in (PROTECTED, *PROTECTED.split()) if re.search(WORD.pattern.format(re.escape(n)), body, re.I)]
    if not proposals_visible:
        # as whole words: a secret year ("2019") also stands inside a timestamp's microseconds ("52.201947")
        found += [s for s in secrets_ if re.search(WORD.pattern.format(re.escape(s)), body, re.I)]
        if body.lstrip().startswith(("{", "[")):  # JSON: no claim shows an unreviewed status
            found += [s for s in ('"proposed"', '"rejected"') if s in body]
    return found


def _samples(param: dict, secrets_: set[str]) -> list:
    """Values to try for a documented query parameter, by its schema type."""
    kinds = {str(x.get("type")) for x in [param.get("schema", {}), *param.get("schema", {}).get("anyOf", [])]}
    if "boolean" in kinds:
        return [True]
    if "integer" in kinds:
        return [1, 2]
    return [PROTECTED, "Lindqvist", sorted(secrets_)[0], "police", "Oslo"]


def _crawl(client: TestClient, cookies: dict, ids: dict, secrets_: set[str], proposals_visible: bool) -> tuple[int, list]:
    """GET every API route and every page link; returns (requests made, leaks found). The client's
    cookies are replayed as they were on every request (a stale cookie must fail every time)."""
    requests, leaks = 0, []

    def get(url: str, sent: list[str]) -> str:
        nonlocal requests
        requests += 1
        client.cookies.clear()
        client.cookies.update(cookies)
        r = client.get(url)
        assert r.status_code < 500, url
        found = _leaks(r.text, sent, secrets_, proposals_visible)
        if found:
            leaks.append((url, found))
        return r.text if r.headers.get("content-type", "").startswith("text/html") else ""

    for path, ops in client.app.openapi()["paths"].items():
        if "get" not in ops:
            continue
        params = ops["get"].get("parameters", [])
        names = [p["name"] for p in params if p["in"] == "path"]
        query = [p for p in params if p["in"] == "query"]
        fills = [{}] if not names else [{n: i} for n in names for i in ids.get(n, [1])]
        required = {p["name"]: "police" for p in query if p.get("required")}
        flags = {"include_proposed": True} if any(p["name"] == "include_proposed" for p in query) else {}
        for fill in fills:
            url = path.format(**fill)
            get(url + ("?" + urlencode(required) if required else ""), list(required.values()))
            if fill is not fills[0]:
                continue  # every query parameter once per route, on its first id
            for p in query:
                for value in _samples(p, secrets_):
                    sent = required | flags | {p["name"]: value}
                    get(url + "?" + urlencode(sent), [str(v) for v in sent.values()])
    seen, todo = set(), deque(["/", "/search?q=police", f"/search?q={PROTECTED}", "/map", "/network", "/timeline",
                               "/path?start=Oslo&goal=Hikvision&proposed=1"]
                              + [f"/{kind}/{i}" for kind, key in (("sources", "source_id"), ("entities", "entity_id"),
                                                                   ("deployments", "record_id")) for i in ids[key]]
                              + [f"/claims/{i}/history" for i in ids["claim_id"]])
    while todo:
        url = todo.popleft()
        if url in seen:
            continue
        seen.add(url)
        sent = [v for part in urlsplit(url).query.split("&") for v in part.split("=")[1:]]
        page = get(url, [s.replace("+", " ") for s in sent])
        for link in re.findall(r'href="(/[^"#]*)', page):
            link = html.unescape(link)
            if not link.startswith(("/static/", "//")) and link not in seen:
                todo.append(link)
    return requests, leaks


def _writes_refused(client: TestClient, cookies: dict, engine) -> int:
    """Every write of the API without a CSRF token: refused, and the protection decision holds."""
    n = 0
    for path, ops in client.app.openapi()["paths"].items():
        for method in set(ops) & {"post", "put", "patch", "delete"}:
            url = re.sub(r"\{[^}]+\}", "1", path)
            client.cookies.clear()
            client.cookies.update(cookies)
            r = client.request(method.upper(), url, params={"protected": False}, json={"action": "accept"})
            n += 1
            assert r.status_code in (401, 403), (method, url, r.status_code)
    with Session(engine) as session:
        assert session.scalar(select(t.Entity).where(t.Entity.name == PROTECTED)).protected
    return n


def test_no_identity_sees_a_protected_name_or_an_unreviewed_claim(register, capsys):
    engine, ids, secrets_ = register
    app = create_app(engine, secret_key="crawl")
    old = _login(app, "ed")
    assert old.get("/api/queue").status_code == 200  # an editor, before removal
    remove_user(engine, "ed")
    total = 0
    for name, client, proposals in (("anonymous", TestClient(app), False), ("viewer", _login(app, "vera"), False),
                                    ("removed editor", old, False)):
        cookies = dict(client.cookies)
        requests, leaks = _crawl(client, cookies, ids, secrets_, proposals_visible=proposals)
        assert not leaks, (name, leaks[:5])
        requests += _writes_refused(client, cookies, engine)
        total += requests
        with capsys.disabled():
            print(f"\n  crawl as {name}: {requests} requests, no leak")
    viewer = _login(app, "vera")
    assert viewer.get("/api/sources/2").status_code == 404  # a source nothing accepted rests on: unseen, as for the public
    exports = CliRunner()
    url = engine.url.render_as_string(hide_password=False)
    for fmt in FORMATS:
        r = exports.invoke(cli, ["export", "--format", fmt, "--public", "--database", url])
        assert r.exit_code == 0, r.output
        assert not _leaks(r.output, [], secrets_, proposals_visible=False), fmt
        total += 1
    with capsys.disabled():
        print(f"  crawl in all: {total} requests and exports")
    assert total > 300


def test_public_exports_of_a_register_with_nothing_accepted_are_empty(tmp_path, extractor):
    engine = connect(f"sqlite:///{tmp_path / 'r.sqlite'}")
    for uri, text in TEXTS.items():
        src = Source(uri=uri, text=text)
        store_extraction(engine, src, extractor(src))
    url = engine.url.render_as_string(hide_password=False)
    run = lambda fmt: CliRunner().invoke(cli, ["export", "--format", fmt, "--public", "--database", url]).output  # noqa: E731
    assert run("ftm") == ""
    assert "<node " not in run("graphml") and "<node " not in run("gexf")
    dump = json.loads(run("dump"))
    assert dump["sources"] == dump["entities"] == dump["claims"] == []
    full = json.loads(CliRunner().invoke(cli, ["export", "--format", "dump", "--database", url]).output)
    assert full["claims"] and full["sources"]
