"""Hostile input: every case gets a clear error or a safe result, and nothing is half-stored."""

from __future__ import annotations

import gzip
import http.server
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from counterwatch.extract import to_json
from counterwatch.ingest.debris import segments
from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import read
from counterwatch.ingest.source import Source
from counterwatch.limits import LIMITS
from counterwatch.query.search import QueryError, search
from counterwatch.query.viewer import STAFF
from counterwatch.store import connect, store_extraction
from counterwatch.store.writer import stats

sys.path.insert(0, str(ROOT / "benchmarks"))
from hostile import trickle_handler  # noqa: E402  (the benchmark's trickling server)


def test_deeply_nested_and_malformed_html_keeps_its_text(tmp_path: Path):
    page = tmp_path / "nested.html"
    page.write_text("<html><body>" + "<div>" * 5000 + "<p>Police in Oslo use drones over protests, the city said. "
                    * 3 + "</p>" + "<span><b><i>" * 300 + "</html>", encoding="utf-8")
    assert "drones over protests" in read(str(page)).text


def test_html_past_the_markup_limit_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(LIMITS, "html_chars", 1000)
    page = tmp_path / "links.html"
    page.write_text("<html><body><p>Police use drones.</p>" + "<a href='/x'>x</a>" * 200 + "</body></html>")
    with pytest.raises(InputError, match="HTML page too large"):
        read(str(page))


def test_ten_megabyte_single_line_and_nul_bytes(tmp_path: Path, extractor):
    line = tmp_path / "line.txt"
    line.write_text("word " * 2_000_000, encoding="utf-8")  # 10 MB, no newline, no sentence end
    with pytest.raises(InputError, match="text too long to extract"):
        read(str(line))
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Police use cameras.\x00\x00\x00 More text.")
    with pytest.raises(InputError, match="binary"):
        read(str(nul))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Police use cameras \xff\xfe\xfa in Lyon.")
    with pytest.raises(InputError, match="not UTF-8"):
        read(str(bad))


def test_pdf_bomb_is_refused(tmp_path: Path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2100):
        writer.add_blank_page(width=10, height=10)
    path = tmp_path / "pages.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    with pytest.raises(InputError, match="pages"):
        read(str(path))


class _Bomb(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = gzip.compress(b"A" * (64 * 1024 * 1024))  # 64 MB of text in ~64 kB on the wire
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_compression_bomb_hits_the_size_cap():
    from counterwatch.ingest.fetch import fetch

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Bomb)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with pytest.raises(InputError, match="too large"):
            fetch(f"http://127.0.0.1:{httpd.server_address[1]}/", allow_private=True)
    finally:
        httpd.shutdown()


def test_search_syntax_and_failed_document_leave_the_register_intact(tmp_path, extractor):
    engine = connect(f"sqlite:///{tmp_path / 'h.sqlite'}")
    src = Source(uri="a.txt", text="Police in Oslo use drones over protests, the city said.")
    store_extraction(engine, src, extractor(src))
    before = stats(engine)
    for q in ['" OR 1=1 --', "drones*) NEAR(", "'; DROP TABLE source; --", "\x00", "a" * 5000]:
        search(engine, STAFF, q)
    assert stats(engine) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=400))
def test_fuzz_extraction_never_crashes_and_quotes_stay_exact(extractor, text):
    data = to_json(extractor(Source(uri="fuzz.txt", text=text)), "fuzz")
    for d in data["deployments"]:
        for span in d["evidence_spans"]:
            assert text[span["start"]:span["end"]] == span["quote"]
    for r in data["relations"]:
        assert r["evidence"] in text


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_text_reader_either_reads_or_explains(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fz") / "input.txt"
    path.write_bytes(data)
    try:
        assert isinstance(read(str(path)).text, str)
    except InputError as exc:
        assert str(path) in str(exc)


def test_giant_line_is_cut_into_bounded_pieces_with_exact_offsets(extractor):
    from counterwatch.extract.pipeline import MAX_BLOCK_CHARS, _pieces

    text = "Police in Oslo use drones over protests, the city said. " * 400 + "word " * 3000  # one line, 37 kB
    (seg,) = segments(text)
    pieces = _pieces(text, seg.start, seg.end)
    assert len(pieces) > 10 and all(b - a <= MAX_BLOCK_CHARS for a, b in pieces)
    assert "".join(text[a:b] for a, b in pieces).replace(" ", "") == text.replace(" ", "")
    data = to_json(extractor(Source(uri="line.txt", text=text[:8000])), "line")
    spans = [s for d in data["deployments"] for s in d["evidence_spans"]]
    assert spans and all(text[s["start"]:s["end"]] == s["quote"] for s in spans)


def test_nul_and_surrogates_become_replacement_characters_on_both_databases(engine, extractor, tmp_path):
    from counterwatch.pipeline.intake import ingest

    body = "Police in Oslo use drones over protests, the city said. " * 200  # NUL after the first 8 KiB
    bad = tmp_path / "a_bad.txt"
    bad.write_bytes(body.encode() + b"\x00 Police in Lyon use facial recognition, the mayor said.\x00")
    good = tmp_path / "b_good.txt"
    good.write_text("Police in Bergen use drones, the council said.", encoding="utf-8")
    tally = ingest(engine, [read(str(bad)), read(str(good)),
                            Source(uri="pasted:x\x00", text="Police in Lima use drones\udc80, the city said.")])
    assert tally["stored"] == 3
    from sqlalchemy import text as sql

    with engine.connect() as conn:
        texts = {u: t for u, t in conn.execute(sql("SELECT uri, text FROM source"))}
    stored = texts[str(bad)]
    assert "\x00" not in stored and stored.count("\ufffd") == 2 and len(stored) == len(body) + 57
    assert texts["pasted:x\ufffd"] == "Police in Lima use drones\ufffd, the city said."
    with engine.connect() as conn:
        for quote, start, end, uri in conn.execute(sql("SELECT c.quote, c.start, c.\"end\", s.uri FROM claim c "
                                                       "JOIN source s ON s.id = c.source_id")):
            assert texts[uri][start:end] == quote


def test_a_trickling_server_is_cut_at_the_total_deadline():
    from counterwatch.ingest.fetch import fetch

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), trickle_handler(60, 0.2))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(InputError, match="too slow"):
            fetch(f"http://127.0.0.1:{httpd.server_address[1]}/", allow_private=True, timeout=5, total=1.5)
    finally:
        httpd.shutdown()
    assert time.monotonic() - started < 4  # each byte came within the read time-out: only the total cut it


def test_limits_answer_one_clear_400_or_404(engine, extractor):
    from fastapi.testclient import TestClient

    from counterwatch.web.app import create_app

    src = Source(uri="a.txt", text="Police in Oslo use drones over protests, the city said.")
    store_extraction(engine, src, extractor(src))
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    long_query = " ".join(f"w{i}" for i in range(LIMITS.query_words + 1))
    r = client.get("/api/search", params={"q": long_query})
    assert r.status_code == 400 and "at most" in r.json()["detail"]
    assert client.get("/search", params={"q": long_query}).status_code == 400
    assert client.get("/api/search", params={"q": "drones " * LIMITS.query_words}).status_code == 200
    for bad in ({"q": "drones", "limit": -1}, {"q": "drones", "limit": LIMITS.page_size_max + 1}):
        r = client.get("/api/search", params=bad)
        assert r.status_code == 400 and r.json()["detail"].startswith("limit")
    assert client.get("/api/deployments", params={"limit": 0}).status_code == 400
    for path in ("/api/deployments/", "/api/sources/", "/api/entities/", "/deployments/", "/sources/"):
        assert client.get(path + "9" * 25).status_code == 404
    with pytest.raises(QueryError, match="limit"):
        search(engine, STAFF, "drones", limit=-1)


def test_a_statement_past_its_time_out_is_stopped_on_both_databases(engine):
    from sqlalchemy import text as sql

    from counterwatch.store.db import is_timeout

    quick = connect(engine.url.render_as_string(hide_password=False), statement_timeout_s=0.5)
    slow = ("SELECT pg_sleep(3)" if engine.dialect.name == "postgresql" else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n")
    started = time.monotonic()
    with pytest.raises(Exception) as caught, quick.connect() as conn:
        conn.execute(sql(slow)).all()
    assert is_timeout(caught.value) and time.monotonic() - started < 2.5
    with quick.connect() as conn:  # the connection serves the next statement
        assert conn.execute(sql("SELECT 1")).scalar() == 1
    quick.dispose()


def _poll(client, job_id: int, headers: dict, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {job['status']} after {seconds} s")


def test_job_queue_round_trip_by_api_token(engine):
    from fastapi.testclient import TestClient

    from counterwatch.store.accounts import add_user, new_token
    from counterwatch.web.app import create_app

    add_user(engine, "ed", "a long enough password", "editor")
    headers = {"Authorization": f"Bearer {new_token(engine, 'ed')}"}
    client = TestClient(create_app(engine, secret_key="test"))
    assert client.post("/api/sources", data={"text": "x"}).status_code in (401, 403)  # no token, no CSRF
    r = client.post("/api/sources", headers=headers, files={"file": ("r.txt", b"Police in Riga operate drones over "
                                                                             b"protests, the city said.", "text/plain")})
    assert r.status_code == 202
    job = _poll(client, r.json()["job_id"], headers)
    assert job["status"] == "done" and job["outcome"] == "stored" and job["source_claims"]
    assert client.get(f"/api/sources/{job['source_id']}", headers=headers).status_code == 200
    bad = client.post("/api/sources", headers=headers, files={"file": ("b.txt", b"\x00\x01binary", "text/plain")})
    failed = _poll(client, bad.json()["job_id"], headers)
    assert failed["status"] == "failed" and "binary" in failed["error"]
    assert [j["status"] for j in client.get("/api/jobs", headers=headers).json()] == ["failed", "done"]
    assert client.post("/api/sources", headers=headers, data={}).status_code == 400
    app = client.app
    app.state.worker.close()


def test_uploads_past_the_limit_are_refused_before_they_are_read(engine, monkeypatch):
    from fastapi.testclient import TestClient

    from counterwatch.web.app import create_app

    monkeypatch.setattr(LIMITS, "upload_bytes", 1000)
    client = TestClient(create_app(engine, open_editing=True), base_url="http://127.0.0.1:8000")
    r = client.post("/api/sources", files={"file": ("big.txt", b"word " * 100_000, "text/plain")})
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    assert stats(engine)["sources"] == 0


def test_a_client_past_its_upload_budget_is_refused_before_its_body_is_read(engine, monkeypatch):
    from fastapi.testclient import TestClient

    from counterwatch.store.accounts import add_user, new_token
    from counterwatch.web.app import create_app

    monkeypatch.setattr(LIMITS, "upload_bytes_per_minute", 3 * 2**20)
    add_user(engine, "ed", "a long enough password", "editor")
    client = TestClient(create_app(engine, secret_key="test"),
                        headers={"Authorization": f"Bearer {new_token(engine, 'ed')}"})
    body = {"file": ("big.bin", b"x" * (2 * 2**20), "application/octet-stream")}  # refused by type once read
    first = client.post("/api/sources", files=body)
    assert first.status_code == 400 and "unsupported" in first.json()["detail"]
    second = client.post("/api/sources", files=body)  # 4 MiB in the minute: over the budget
    assert second.status_code == 429 and "budget" in second.json()["detail"]
    assert client.get("/api/search", params={"q": "drones"}).status_code == 200  # others' requests go on
    small = client.post("/api/sources", files={"file": ("s.bin", b"x" * 1000, "application/octet-stream")})
    assert small.status_code == 400  # a small body never counts: refused for its type, not its budget


def test_texts_past_the_extraction_limit_are_refused_before_a_job_is_queued(engine, monkeypatch):
    from fastapi.testclient import TestClient

    from counterwatch.ingest import readers
    from counterwatch.store.accounts import add_user, new_token
    from counterwatch.web.app import create_app

    monkeypatch.setattr(readers, "MAX_TEXT_CHARS", 1000)
    monkeypatch.setattr(LIMITS, "html_chars", 1000)
    add_user(engine, "ed", "a long enough password", "editor")
    client = TestClient(create_app(engine, secret_key="test"),
                        headers={"Authorization": f"Bearer {new_token(engine, 'ed')}"})
    long_text = "Police in Oslo use drones. " * 100  # 2,700 characters
    for files, data in (({"file": ("long.txt", long_text.encode(), "text/plain")}, None),
                        ({"file": ("long.html", f"<p>{long_text}</p>".encode(), "text/html")}, None),
                        (None, {"text": long_text})):
        r = client.post("/api/sources", files=files, data=data)
        assert r.status_code == 400 and ("too long" in r.json()["detail"] or "too large" in r.json()["detail"])
    assert client.get("/api/jobs").json() == []  # nothing queued, nothing stored
    multibyte = ("é" * 900).encode()  # 1,800 bytes, 900 characters: under the limit
    assert client.post("/api/sources", files={"file": ("short.txt", multibyte, "text/plain")}).status_code == 202
    client.app.state.worker.close()


def test_two_ingests_at_once_both_exit_0_with_the_right_data(engine, tmp_path):
    import os
    import subprocess
    import sys

    docs = tmp_path / "docs"
    docs.mkdir()
    for i, city in enumerate(["Oslo", "Lyon", "Riga", "Lima", "Bergen", "Tartu"]):
        (docs / f"{i}.txt").write_text(f"Police in {city} use drones supplied by Hikvision, the city said.")
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "COUNTERWATCH_DATABASE_URL": url, "COUNTERWATCH_MODEL": "rules"}
    runs = [subprocess.Popen([sys.executable, "-m", "counterwatch.cli", "ingest", str(docs)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, errors = run.communicate(timeout=240)
        assert run.returncode == 0 and "Traceback" not in errors, errors
    assert stats(engine)["sources"] == 6
