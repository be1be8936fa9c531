"""Hostile input: every case gets a clear error or a safe result, and nothing is half-stored."""

from __future__ import annotations

import gzip
import http.server
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counterwatch.extract import to_json
from counterwatch.ingest import InputError, Source, read
from counterwatch.ingest.debris import segments
from counterwatch.query.search import search
from counterwatch.query.viewer import STAFF
from counterwatch.store import connect, store_extraction
from counterwatch.store.writer import stats


def test_deeply_nested_and_malformed_html(tmp_path: Path):
    page = tmp_path / "nested.html"
    page.write_text("<html><body>" + "<div>" * 5000 + "<p>Police in Oslo use drones over protests, the city said. "
                    * 3 + "</p>" + "<span><b><i>" * 300 + "</html>", encoding="utf-8")
    try:
        src = read(str(page))
        assert "drones" in src.text
    except InputError as exc:  # refusing is fine; crashing is not
        assert "nested.html" in str(exc)


def test_ten_megabyte_single_line_and_nul_bytes(tmp_path: Path, extractor):
    line = tmp_path / "line.txt"
    line.write_text("word " * 2_000_000, encoding="utf-8")  # 10 MB, no newline, no sentence end
    src = read(str(line))
    assert len(segments(src.text)) == 1
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
