"""Exposure report: every deployment within N hops of an actor, each with its evidence chain,
written for a committee (Markdown or HTML; PDF through headless Chromium)."""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import networkx as nx

from counterwatch.query.paths import paths, views

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def exposure(g: nx.MultiDiGraph, start: str, hops: int = 3) -> list[dict]:
    """Deployments reachable within `hops`, nearest first, each with its best path."""
    simple, _ = views(g)
    if start not in simple:
        return []
    reach = nx.single_source_shortest_path_length(simple, start, cutoff=hops)
    found = []
    for node, dist in sorted(reach.items(), key=lambda kv: kv[1]):
        if g.nodes[node]["kind"] != "deployment" or node == start:
            continue
        best = paths(g, start, node, k=1, max_hops=hops)
        if best:
            found.append({"deployment": g.nodes[node]["label"], "node": node, "distance": dist, "path": best[0]["path"]})
    return found


def to_markdown(actor: str, hops: int, items: list[dict]) -> str:
    lines = [f"# Exposure of {actor} to surveillance deployments", "",
             f"Deployments within {hops} hop(s) in the Counterwatch register, {date.today().isoformat()}. "
             "Every hop is a claim of a source, quoted with its certainty.", ""]
    if not items:
        lines.append("No deployment is linked to this actor within that distance.")
    for i, item in enumerate(items, 1):
        lines += [f"## {i}. {item['deployment']} ({item['distance']} hop(s))", ""]
        for h in item["path"]:
            lines += [f"- **{h['source']}** — {h['predicate']} ({h['certainty']}) → **{h['target']}**",
                      f"  > {h['quote']}", f"  — {h['source_title'] or 'source ' + str(h['source_id'])}"]
        lines.append("")
    return "\n".join(lines)


def to_html(actor: str, hops: int, items: list[dict]) -> str:
    e = html.escape
    parts = [f"<!doctype html><html lang='en'><meta charset='utf-8'><title>Exposure of {e(actor)}</title>",
             "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto}"
             "blockquote{border-left:3px solid #ccc;margin:.3rem 0;padding-left:.8rem}</style>",
             f"<h1>Exposure of {e(actor)} to surveillance deployments</h1>",
             f"<p>Deployments within {hops} hop(s), {date.today().isoformat()}. Every hop is a claim of a source.</p>"]
    if not items:
        parts.append("<p>No deployment is linked to this actor within that distance.</p>")
    for i, item in enumerate(items, 1):
        parts.append(f"<h2>{i}. {e(item['deployment'])} ({item['distance']} hop(s))</h2><ol>")
        for h in item["path"]:
            parts.append(f"<li><strong>{e(h['source'])}</strong> — {e(h['predicate'])} ({e(h['certainty'])}) → "
                         f"<strong>{e(h['target'])}</strong><blockquote>{e(h['quote'])}</blockquote>"
                         f"<small>{e(h['source_title'] or 'source ' + str(h['source_id']))}</small></li>")
        parts.append("</ol>")
    return "".join(parts) + "</html>"


def to_pdf(html_text: str, output: Path) -> None:
    """Print the HTML report to PDF with headless Chromium (no network, no profile kept)."""
    browser = next((shutil.which(b) for b in CHROMIUM if shutil.which(b)), None)
    if browser is None:
        raise RuntimeError("PDF needs Chromium (apt-get install chromium); use --format html instead")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html_text, encoding="utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={output}", "--no-pdf-header-footer",
                        page.as_uri()], check=True, capture_output=True, timeout=120)
