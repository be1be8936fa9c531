"""Readers: every supported input, and every kind of bad input, with a one-line reason."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import iter_sources, read

ARTICLE = "Police in Lyon deployed facial recognition cameras supplied by Idemia, the city said. " * 5

HTML = f"""<html><head><title>Lyon cameras</title><meta name="author" content="Jeanne Roux">
<meta property="og:site_name" content="Rue Libre"><meta property="article:published_time" content="2023-05-01">
</head><body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>Lyon cameras</h1><p>{ARTICLE}</p><p>{ARTICLE}</p></article>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>Marcel Dupont wrote: I saw Palantir staff at the town hall.</p></div></section>
</body></html>"""


def test_text_markdown_and_folder(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("# Title\n\n" + ARTICLE, encoding="utf-8")
    (tmp_path / "sub" / "skip.bin").write_bytes(b"\x00\x01")
    got = list(iter_sources([str(tmp_path)]))
    assert [Path(s.uri).name for s in got] == ["a.txt", "b.md"]
    assert got[0].text == ARTICLE and len(got[0].sha256) == 64


def test_html_main_text_and_metadata_without_comments(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    src = read(str(page))
    assert "Idemia" in src.text and "Marcel" not in src.text and "About" not in src.text
    assert (src.title, src.author, src.publisher, src.published) == ("Lyon cameras", "Jeanne Roux", "Rue Libre", "2023-05-01")


def test_pdf_text_layer(tmp_path: Path):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    path = tmp_path / "report.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "The Kenyan police bought drones from Skyline Aero in 2022.")
    c.save()
    assert "drones from Skyline Aero" in read(str(path)).text


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"   \n", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("latin1.txt", "Caf\u00e9 surveillance".encode("latin-1"), "not UTF-8"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "PDF"),
    ("data.xlsx", b"PK\x03\x04", "unsupported file type"),
])
def test_bad_files_get_one_line_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read(str(path))
    assert reason in str(exc.value) and str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(InputError, match="too large"):
        read(str(path))


def test_batch_goes_on_after_errors(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    got = list(iter_sources([str(tmp_path / "missing.txt"), str(good)]))
    assert isinstance(got[0], InputError) and "no such file" in str(got[0])
    assert got[1].text == ARTICLE


@pytest.fixture(scope="module")
def allow_loopback():
    """Our own test server lives on 127.0.0.1, which the SSRF guard refuses by default."""
    mp = pytest.MonkeyPatch()
    mp.setenv("COUNTERWATCH_ALLOW_PRIVATE_URLS", "1")
    yield
    mp.undo()


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        routes = {"/article": (200, "text/html; charset=utf-8", HTML.encode()),
                  "/plain": (200, "text/plain; charset=utf-8", ARTICLE.encode()),
                  "/image": (200, "image/png", b"\x89PNG"),
                  "/big": (200, "text/plain", b"x" * (11 * 1024 * 1024))}
        if self.path == "/redirect-to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(3)
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"nope"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server(allow_loopback):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_url_html_and_text(server: str):
    src = read(f"{server}/article")
    assert "Idemia" in src.text and "Marcel" not in src.text and src.stem == "article"
    assert read(f"{server}/plain").text == ARTICLE


@pytest.mark.parametrize("path,reason", [("/missing", "HTTP 404"), ("/image", "unsupported content type"),
                                         ("/big", "too large")])
def test_url_errors(server: str, path: str, reason: str):
    with pytest.raises(InputError, match=reason):
        read(f"{server}{path}")


def test_url_timeout(server: str):
    from counterwatch.ingest.fetch import fetch
    with pytest.raises(InputError, match="timed out"):
        fetch(f"{server}/slow", timeout=0.5)


@pytest.mark.parametrize("address,reason", [("127.0.0.1", "loopback"), ("169.254.169.254", "link-local"),
                                            ("10.1.2.3", "private"), ("192.168.0.9", "private"), ("::1", "loopback"),
                                            ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "unspecified")])
def test_ssrf_decision_on_resolved_address_without_traffic(address, reason):
    from counterwatch.ingest.fetch import check_url, refused_address

    assert refused_address(address) == reason
    fake = lambda host, port, proto=0: [(2, 1, 6, "", (address, port))]  # noqa: E731 - no DNS, no connection
    with pytest.raises(InputError, match=reason):
        check_url("http://innocent.example/", resolve=fake)
    check_url("http://innocent.example/", resolve=lambda h, p, proto=0: [(2, 1, 6, "", ("93.184.216.34", p))])
    with pytest.raises(InputError, match="only http"):
        check_url("file:///etc/passwd")


def test_loopback_refused_by_default_and_redirects_checked(server, monkeypatch):
    from counterwatch.ingest import fetch as module

    with pytest.raises(InputError, match="loopback"):
        module.fetch(f"{server}/plain", allow_private=False)
    real = module.check_url
    # our loopback server is allowed as the first hop; its redirect target is decided as for anyone
    monkeypatch.setattr(module, "check_url", lambda url, allow: real(url, allow_private=url.startswith(server)))
    with pytest.raises(InputError, match="link-local"):
        module.fetch(f"{server}/redirect-to-metadata", allow_private=False)
