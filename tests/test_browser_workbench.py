"""The editor's workbench in a real headless Chromium: select a quote and claim it, review by keyboard
and in bulk. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from counterwatch.ingest import Source
from counterwatch.store import connect, store_extraction
from counterwatch.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TEXTS = {
    "tallinn.txt": "Police in Tallinn deployed facial recognition cameras supplied by Hikvision in 2022. "
                   "The contract was signed in March 2021 with the Estonian Interior Ministry, a spokesperson said.\n"
                   "Ülle Kask of Amnesty International criticised the system.",
    "nairobi.txt": "The police in Nairobi operate a facial recognition system supplied by Huawei since 2014, "
                   "according to documents seen by reporters. Safaricom denied that it supplied cameras.",
    "riga.txt": "Police in Riga operate drones over protests, according to Amnesty International. "
                "The drones were supplied by Elbit Systems in 2019.",
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
    made = page.locator("#row-" + page.url.rsplit("#row-", 1)[1])  # the page opens at the new claim
    assert "Ülle Kask" in made.inner_text() and "mention" in made.inner_text()
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


def test_accept_all_claims_of_a_source(page, server):
    page.goto(server + "/sources/3")
    assert page.locator("ul.claims [data-status=proposed]").count() > 0
    page.click("#accept-all")
    page.wait_for_load_state()
    assert page.locator("ul.claims [data-status=proposed]").count() == 0
    assert page.locator("ul.claims [data-status=accepted]").count() > 0
    page.screenshot(path=SHOTS / "workbench-accept-all.png", full_page=True)
