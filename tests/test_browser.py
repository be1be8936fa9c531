"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Screenshots are saved in artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from counterwatch.ingest.readers import iter_sources
from counterwatch.store import connect, store_extraction
from counterwatch.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT.parent / "shared" / "devset" / "docs"
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory, extractor):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium")
    engine = connect(f"sqlite:///{tmp_path_factory.mktemp('ui') / 'ui.sqlite'}")
    inputs = [str(ROOT / "samples")] + ([str(DOCS)] if DOCS.exists() else [])  # the repo's own samples always
    for src in iter_sources(inputs):
        store_extraction(engine, src, extractor(src))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(engine, open_editing=True)  # a local editor, as in `make demo`
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def page(server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.set_default_timeout(15000)
        yield pg
        browser.close()


def test_search_open_deployment_reveal_quote(page, server):
    page.goto(server + "/")
    page.screenshot(path=SHOTS / "home.png", full_page=True)
    page.fill("#q-home", "facial recognition")
    page.click("form.big-search button")
    page.wait_for_selector("ol.hits li")
    page.screenshot(path=SHOTS / "search.png", full_page=True)
    page.click("ol.hits li >> nth=0 >> a >> nth=0")
    page.wait_for_selector("dl.fields")
    detail = page.locator("details.claim").first
    assert not detail.locator("blockquote").first.is_visible()
    detail.locator("summary").click()
    assert detail.locator("blockquote").first.is_visible()
    page.screenshot(path=SHOTS / "deployment.png", full_page=True)


def test_accept_a_claim_and_see_history(page, server):
    page.goto(server + "/sources/1")
    row = page.locator("ul.claims li").first
    claim_id = row.get_attribute("id").split("-")[1]
    row.locator("button[value=accept]").click()
    page.wait_for_load_state()
    assert page.locator(f"#row-{claim_id} [data-status]").inner_text() == "accepted"
    page.screenshot(path=SHOTS / "source-reviewed.png", full_page=True)
    page.goto(f"{server}/claims/{claim_id}/history")
    assert "accept" in page.locator("tbody").inner_text()


def test_map_draws_country_shapes(page, server):
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-ready]")
    assert page.locator("#map path.country").count() > 150
    assert page.locator("#map path.country[tabindex]").count() >= 1  # at least one country with deployments
    page.screenshot(path=SHOTS / "map.png", full_page=True)


def test_network_draws_nodes(page, server):
    page.goto(server + "/network")
    page.wait_for_selector("#network[data-nodes]")
    assert int(page.get_attribute("#network", "data-nodes")) > 3
    page.screenshot(path=SHOTS / "network.png", full_page=True)


def test_timeline_and_add_source_by_upload(page, server, tmp_path):
    page.goto(server + "/timeline")
    page.wait_for_selector("#timeline[data-events]")
    report = tmp_path / "upload.txt"
    report.write_text("Police in Riga operate drones over protests, according to Amnesty International.", encoding="utf-8")
    page.goto(server + "/add")
    page.set_input_files("input[name=file]", str(report))
    page.click("text=Extract and store")
    page.wait_for_selector("article.text")
    assert "drones" in page.locator("article.text").inner_text()
    assert page.locator("ul.claims li").count() >= 1
    page.screenshot(path=SHOTS / "added.png", full_page=True)


def test_api_docs_render_offline(page, server):
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() > 5
    page.screenshot(path=SHOTS / "api-docs.png")
