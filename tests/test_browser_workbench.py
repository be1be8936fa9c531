"""The editor's workbench in a real headless Chromium: select a quote and claim it, review by keyboard
and in bulk. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from counterwatch.ingest.source import Source
from counterwatch.store import connect, store_extraction
from counterwatch.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEXTS = {
    "tallinn.txt": "Police in Tallinn deployed facial recognition cameras supplied by Hikvision in 2022. "
                   "The contract was signed in March 2021 with the Estonian Interior Ministry, a spokesperson said. ✊\n"
                   "Ülle Kask of Amnesty International criticised the system.",
    "nairobi.txt": "The police in Nairobi operate a facial recognition system supplied by Huawei since 2014, "
                   "according to documents seen by reporters. Safaricom denied that it supplied cameras.",
    "riga.txt": "Police in Riga operate drones over protests, according to Amnesty International. "
                "The drones were supplied by Elbit Systems in 2019.",
    "bogota.txt": "A researcher at Amnesty Intl criticised the police cameras in Bogota.",
}

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory, extractor):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium")
    engine = connect(f"sqlite:///{tmp_path_factory.mktemp('bench') / 'bench.sqlite'}")
    for uri, text in TEXTS.items():
        src = Source(uri=uri, text=text)
        store_extraction(engine, src, extractor(src))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(engine, open_editing=True), host="127.0.0.1", port=port,
                                        log_level="warning"))
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


def _drag_select(page, needle: str) -> None:
    """Select `needle` in the source text with the mouse, as an editor does."""
    box = page.evaluate("""needle => {
        const root = document.getElementById("source-text");
        const at = root.textContent.indexOf(needle);
        if (at < 0) return null;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), r = document.createRange();
        let seen = 0;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const len = n.data.length;
            if (seen <= at && at < seen + len) r.setStart(n, at - seen);
            if (seen < at + needle.length && at + needle.length <= seen + len) r.setEnd(n, at + needle.length - seen);
            seen += len;
        }
        const rects = Array.from(r.getClientRects()).filter(x => x.width > 0), a = rects[0], b = rects[rects.length - 1];
        return {x0: a.left + 1, y0: a.top + a.height / 2, x1: b.right - 1, y1: b.top + b.height / 2}; }""", needle)
    assert box, needle
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=8)
    page.mouse.up()


def _until(check, seconds: float = 10) -> None:
    """Wait for `check()` (the pages' CSP forbids the eval behind wait_for_function)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _api(page, path: str):
    return page.evaluate("p => fetch(p).then(r => r.json())", path)


def test_select_a_quote_and_claim_a_deployment_field(page, server):
    page.goto(server + "/sources/1")
    assert page.locator("#new-claim").is_hidden()
    _drag_select(page, "March 2021")
    page.wait_for_selector("#new-claim:not([hidden])")
    assert page.input_value("#nc-quote") == "March 2021"
    page.select_option("#nc-deployment", "")
    page.fill("#nc-deployment-name", "Tallinn face recognition")
    page.select_option("#nc-field", "contract")
    page.fill("#nc-value", "2021-03")
    page.select_option("#nc-certainty", "documented")
    page.screenshot(path=SHOTS / "workbench-new-claim.png", full_page=True)
    page.click("#nc-save")
    page.wait_for_load_state()
    row = page.locator("ul.claims li", has_text="2021-03")
    assert row.count() == 1 and "documented" in row.inner_text() and "accepted" in row.inner_text()
    assert "made by local" in row.inner_text()
    claim_id = int(row.get_attribute("id").split("-")[1])
    src = _api(page, "/api/sources/1")
    text = "".join(p["text"] for p in src["pieces"])
    claim = next(c for c in src["claims"] if c["id"] == claim_id)
    assert text[claim["start"]:claim["end"]] == claim["quote"] == "March 2021"
    history = _api(page, f"/api/claims/{claim_id}/history")
    assert history[0]["action"] == "create" and history[0]["editor"] == "local"
    page.screenshot(path=SHOTS / "workbench-claim-saved.png", full_page=True)


def test_select_a_name_and_claim_a_new_entity_then_a_relation(page, server):
    page.goto(server + "/sources/1")
    _drag_select(page, "Ülle Kask")
    page.wait_for_selector("#new-claim:not([hidden])")
    page.select_option("#nc-kind", "entity")
    page.select_option("#nc-type", "person")
    page.click("#nc-save")
    page.wait_for_load_state()
    claim_id = int(page.url.rsplit("#row-", 1)[1])  # the page opens at the new claim
    made = page.locator(f"#row-{claim_id}")
    assert "Ülle Kask" in made.inner_text() and "mention" in made.inner_text()
    claim = next(c for c in _api(page, "/api/sources/1")["claims"] if c["id"] == claim_id)
    text = TEXTS["tallinn.txt"]  # after "✊": two UTF-16 units in the browser, one code point stored
    assert text[claim["start"]:claim["end"]] == "Ülle Kask" and claim["start"] == text.index("Ülle Kask")
    _drag_select(page, "Ülle Kask of Amnesty International")
    page.select_option("#nc-kind", "relation")
    page.select_option("#nc-subject", label="Ülle Kask (person)")
    page.select_option("#nc-predicate", "affiliated_with")
    page.select_option("#nc-object", label="Amnesty International (organization)")
    page.click("#nc-save")
    page.wait_for_load_state()
    made = page.locator("#row-" + page.url.rsplit("#row-", 1)[1])
    assert "Ülle Kask -> Amnesty International" in made.inner_text() and "affiliated_with" in made.inner_text()
    page.screenshot(path=SHOTS / "workbench-relation.png", full_page=True)


def test_review_queue_by_keyboard(page, server):
    page.goto(server + "/review?source=2")
    rows = page.locator("#queue li[data-claim]")
    assert rows.count() >= 3
    ids = [rows.nth(i).get_attribute("data-claim") for i in range(3)]
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("a")  # first: accepted, the cursor moves on
    page.wait_for_selector(f"#q-{ids[0]}[data-done=accept]")
    page.keyboard.press("r")
    page.keyboard.type("not in the text")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#q-{ids[1]}[data-done=reject]")
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("edited by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#q-{ids[2]}[data-done=edit]")
    page.screenshot(path=SHOTS / "workbench-queue.png", full_page=True)
    steps = [_api(page, f"/api/claims/{i}/history")[-1] for i in ids]
    assert [s["action"] for s in steps] == ["accept", "reject", "edit"]
    assert steps[1]["reason"] == "not in the text" and steps[2]["after"]["value"] == "edited by keyboard"


def test_reject_one_field_of_a_record_in_bulk(page, server):
    dep = next(c for c in _api(page, "/api/queue?source_id=1") if c["record_type"] == "deployment")["record_id"]
    page.goto(f"{server}/deployments/{dep}")
    page.select_option("#bulk-field", "place")
    page.fill("#record-reason", "the city is not named as the place")
    page.click("#record-reject-all")
    page.wait_for_load_state()
    record = _api(page, f"/api/deployments/{dep}")
    assert {c["status"] for v in record["fields"]["place"] for c in v["claims"]} == {"rejected"}
    assert "proposed" in {c["status"] for v in record["fields"]["technology"] for c in v["claims"]}
    page.screenshot(path=SHOTS / "workbench-record-bulk.png", full_page=True)


def test_accept_all_claims_of_a_source(page, server):
    page.goto(server + "/sources/3")
    assert page.locator("ul.claims [data-status=proposed]").count() > 0
    page.select_option("#bulk-field", "supplier")  # first one field of the source
    page.click("#accept-all")
    page.wait_for_load_state()
    suppliers = page.locator("ul.claims li", has_text="deployment · supplier")
    assert suppliers.count() >= 1 and suppliers.locator("[data-status=proposed]").count() == 0
    assert page.locator("ul.claims [data-status=proposed]").count() > 0
    page.click("#accept-all")
    page.wait_for_load_state()
    assert page.locator("ul.claims [data-status=proposed]").count() == 0
    assert page.locator("ul.claims [data-status=accepted]").count() > 0
    page.screenshot(path=SHOTS / "workbench-accept-all.png", full_page=True)


def test_map_points_cluster_and_open_their_record(page, server):
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-ready]")
    located = _api(page, "/api/map/points")
    assert {p["place"] for p in located} >= {"Tallinn", "Riga"}
    assert int(page.get_attribute("#map", "data-points")) == len(located)
    assert page.locator("#map path.country[tabindex]").count() >= 2  # the shading layer
    cluster = page.locator("#map g.cluster").first  # Tallinn and Riga are one cluster at world scale
    assert int(cluster.get_attribute("data-count")) >= 2
    page.screenshot(path=SHOTS / "map-points.png", full_page=True)
    before = page.locator("#map a.point").count()
    cluster.click()
    _until(lambda: page.locator("#map a.point").count() > before)
    page.screenshot(path=SHOTS / "map-zoomed.png", full_page=True)
    assert {page.locator("#map a.point").nth(i).get_attribute("data-certainty")
            for i in range(page.locator("#map a.point").count())} <= {"documented", "reported", "alleged", "denied",
                                                                     "speculative", ""}
    page.uncheck("#shading")
    page.click("#filters button")
    _until(lambda: page.locator('#map path.country[fill="#eef1f5"]').count() > 170)
    page.locator("#map a.point, #map g.cluster").first.click()
    if "/deployments/" not in page.url:  # a cluster again: zoom once more, then open a point
        page.locator("#map a.point").first.click()
    page.wait_for_url("**/deployments/*")
    assert page.locator("dl.fields").count() == 1


def test_network_layout_has_no_overlapping_labels_and_a_legend(page, server):
    page.goto(server + "/network")
    page.wait_for_selector("#network[data-nodes]")
    boxes = page.evaluate("""() => window.counterwatchNetwork.nodes().filter(n => !n.isParent())
        .map(n => n.boundingBox({includeLabels: true}))""")
    assert len(boxes) > 3
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]]
    assert overlaps == []
    assert page.locator("#network-legend li").count() >= 5
    page.screenshot(path=SHOTS / "network-fcose.png", full_page=True)


def test_timeline_groups_events_by_program(page, server):
    page.goto(server + "/timeline")
    page.wait_for_selector("#timeline[data-events]")
    events = _api(page, "/api/timeline")
    assert int(page.get_attribute("#timeline", "data-programs")) == len({e["program_id"] for e in events})
    assert page.locator("#timeline a.event[data-event=start]").count() >= 1
    assert page.locator("#timeline a.event[data-event=contract]").count() == 1  # claimed by hand above
    page.screenshot(path=SHOTS / "timeline-programs.png", full_page=True)


def test_download_an_export_and_read_the_ingest_report(page, server, tmp_path):
    page.goto(server + "/exports")
    with page.expect_download() as got:
        page.click("#export-geojson")
    path = tmp_path / "export.geojson"
    got.value.save_as(path)
    assert got.value.suggested_filename == "counterwatch-full.geojson"
    assert '"FeatureCollection"' in path.read_text(encoding="utf-8")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated")
    page.goto(server + "/add")
    page.set_input_files("input[name=file]", str(bad))
    page.click("text=Extract and store")
    page.wait_for_selector("text=broken.pdf")
    for _ in range(120):
        page.goto(server + "/ingest-report")
        if "broken.pdf" in page.locator("#failed").inner_text():
            break
        time.sleep(0.5)
    assert "broken.pdf" in page.locator("#failed").inner_text()
    page.screenshot(path=SHOTS / "ingest-report.png", full_page=True)


def test_edit_an_entity_then_merge_and_split_duplicates(page, server):
    page.goto(server + "/sources/4")
    _drag_select(page, "Amnesty Intl")
    page.wait_for_selector("#new-claim:not([hidden])")
    page.select_option("#nc-kind", "entity")
    page.select_option("#nc-type", "organization")
    page.click("#nc-save")
    page.wait_for_load_state()
    page.goto(server + "/resolve")
    pair = page.locator("#candidates tr", has_text="Amnesty Intl").filter(has_text="Amnesty International")
    assert "token_sort_ratio" in pair.inner_text()
    page.screenshot(path=SHOTS / "resolve-candidates.png", full_page=True)
    pair.locator("button[value=positive]").click()
    page.wait_for_load_state()
    merged = page.locator("#merged tr", has_text="Amnesty")
    assert merged.count() == 1
    into = merged.locator("a").get_attribute("href")
    page.goto(server + into)
    assert "Amnesty Intl" in page.locator("main").inner_text()  # the alias travelled with the merge
    page.click("#edit-entity")
    page.fill("#ee-country", "GB")
    page.fill("#ee-aliases", "Amnesty Intl\nAI")
    page.screenshot(path=SHOTS / "entity-edit.png", full_page=True)
    page.click("#ee-save")
    page.wait_for_url(server + into)
    assert "GB" in page.locator("main p.muted").first.inner_text() and "AI" in page.locator("main").inner_text()
    page.goto(server + "/resolve")
    page.locator("#merged tr", has_text="Amnesty").locator("button").click()
    page.wait_for_load_state()
    assert page.locator("#merged tr", has_text="Amnesty").count() == 0
    assert page.locator("#candidates tr", has_text="Amnesty Intl").count() == 0  # kept apart from now on
    page.screenshot(path=SHOTS / "resolve-split.png", full_page=True)
