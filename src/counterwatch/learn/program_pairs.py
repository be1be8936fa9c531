"""Pairwise deployment-merging precision and recall on the corpus's program ids: documents whose gold
deployments share a `program` id describe the same program, every other deployment its own.

Two runs, each over the whole corpus in one fresh register (resolution is across documents, so the
documents of every split are in it): the gold deployments stored as if extracted (resolution given
gold extraction), and the extracted ones, each labelled with the program of the gold deployment of its
document it matches. A pair counts where its two deployments come from different documents that describe a program told
elsewhere (a document with a program id: the figures are on "documents that describe the same
program"; other documents about real programs often lack the id their program deserves, so counting
them would score correct merges as wrong; `all` gives that strict figure over every document). A pair
belongs to the test figures when either document is in the test split, else to train+dev, the only
pairs the threshold is tuned on (`tune`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from itertools import combinations
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.findings import Deployment, Entity, Evidence, Extraction, Mention
from counterwatch.ingest.source import Source
from counterwatch.learn.corpus import Document, split_of
from counterwatch.store import connect, schema as t
from counterwatch.store import deployment_resolution as dr
from counterwatch.store.resolution import auto_merge as merge_entities
from counterwatch.store.survivors import load
from counterwatch.store.writer import store_extraction

THRESHOLDS = [round(0.4 + 0.05 * i, 2) for i in range(9)]  # searched by `tune`
Labelled = list[tuple[str, str]]  # per stored deployment, in id order: (document id, program label)


def _span(text: str, quote: str) -> Evidence:
    at = text.find(quote) if quote else -1
    return Evidence(at, at + len(quote), quote) if at >= 0 else Evidence(0, 0, "")


def gold_extraction(doc: Document) -> Extraction:
    """The document's gold record in extraction's shape, for the writer."""
    g, text = doc.gold, doc.text
    entities = []
    for e in g.get("entities", []):
        ev = _span(text, e["name"])
        entities.append(Entity(e["name"], e["type"], list(e.get("aliases") or []), e.get("country"),
                               mentions=[Mention(ev.start, ev.end, e["name"], e["type"])]))
    deps = [Deployment(d["name"], d.get("country"), list(d.get("places") or []), list(d.get("technologies") or []),
                       list(d.get("operators") or []), list(d.get("suppliers") or []), list(d.get("targets") or []),
                       d.get("status") or "unknown", d.get("start"), d.get("certainty") or "reported",
                       [_span(text, q) for q in (d.get("evidence") or [""])])
            for d in g.get("deployments", [])]
    return Extraction({"title": g.get("document", {}).get("title"), "published": g.get("document", {}).get("published")},
                      entities, deps, [])


def label(doc: Document, gold_index: int | None, extracted_index: int) -> str:
    """A deployment's program: the gold one's program id, else a label no other deployment has."""
    if gold_index is not None:
        program = doc.gold["deployments"][gold_index].get("program")
        return program or f"{doc.id}#{gold_index}"
    return f"{doc.id}#x{extracted_index}"


def align(doc: Document, extracted: list[Deployment]) -> list[int | None]:
    """The gold deployment each extracted one is: the one of the same document sharing most technologies
    (ties: same country, then shared operators); None when none shares a technology."""
    out = []
    for d in extracted:
        best, best_key = None, (0.0, 0, 0)
        for i, g in enumerate(doc.gold.get("deployments", [])):
            techs = set(g.get("technologies") or [])
            overlap = len(techs & set(d.technologies)) / len(techs | set(d.technologies)) if techs else 0.0
            k = (overlap, int(g.get("country") == d.country), len(set(g.get("operators") or []) & set(d.operators)))
            if overlap and k > best_key:
                best, best_key = i, k
        out.append(best)
    return out


def ingest(engine: Engine, docs: list[Document], extract: Callable[[Document], tuple[Extraction, list[int | None]]]) -> Labelled:
    """Store each document's extraction; the program label of every stored deployment, in id order."""
    labels: Labelled = []
    for doc in docs:
        x, gold_of = extract(doc)
        store_extraction(engine, Source(uri=f"{doc.id}.txt", text=doc.text), x)
        labels += [(doc.id, label(doc, g, i)) for i, g in enumerate(gold_of)]
    merge_entities(engine)
    return labels


def clusters(engine: Engine) -> list[int]:
    """The live record of every stored deployment, in id order."""
    with Session(engine) as session:
        survivors = load(session)
        return [survivors.deployment(i) for i in session.scalars(select(t.Deployment.id).order_by(t.Deployment.id))]


def pairwise(labels: Labelled, record: list[int], programs: set[str]) -> dict[str, dict]:
    """Precision and recall of cross-document pairs between documents in `programs`, for train+dev and
    test, and over every document (`all`, strict: an unlabelled deployment is its own program)."""
    counts = {s: {"tp": 0, "fp": 0, "fn": 0} for s in ("train+dev", "test", "all")}
    for (da, la, ra), (db, lb, rb) in combinations([(d, lab, r) for (d, lab), r in zip(labels, record)], 2):
        if da == db:
            continue
        same, merged = la == lb, ra == rb
        if not same and not merged:
            continue
        outcome = "tp" if same and merged else "fp" if merged else "fn"
        counts["all"][outcome] += 1
        if da in programs and db in programs:
            counts["test" if "test" in (split_of(da), split_of(db)) else "train+dev"][outcome] += 1
    out = {}
    for part, c in counts.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        out[part] = {"precision": round(p, 3), "recall": round(r, 3), "pairs": c["tp"] + c["fn"], **c}
    return out


def program_documents(docs: list[Document]) -> set[str]:
    """Documents with a deployment whose program another document also describes."""
    return {d.id for d in docs if any(dep.get("program") for dep in d.gold.get("deployments", []))}


def tune(path: Path, labels: Labelled, programs: set[str], thresholds: Iterable[float] = THRESHOLDS) -> list[dict]:
    """Train+dev figures of the after-ingest merge at each threshold, each on its own copy of the register
    at `path` (test pairs are never looked at here)."""
    out = []
    for th in thresholds:
        copy = path.with_name(f"{path.stem}-{th}.sqlite")
        shutil.copyfile(path, copy)
        engine = connect(f"sqlite:///{copy}")
        dr.auto_merge(engine, threshold=th)
        out.append({"threshold": th, **pairwise(labels, clusters(engine), programs)["train+dev"]})
        engine.dispose()
        copy.unlink()
    return out


def run(docs: list[Document], extract: Callable[[Document], tuple[Extraction, list[int | None]]],
        work: Path, name: str) -> dict:
    """Deployments per report before and after, the threshold sweep on train+dev, and the figures of
    the real after-ingest merge (dr.auto_merge at its threshold)."""
    path = work / f"{name}.sqlite"
    engine = connect(f"sqlite:///{path}")
    programs = program_documents(docs)
    labels = ingest(engine, docs, extract)
    engine.dispose()
    sweep = tune(path, labels, programs)
    merged = dr.auto_merge(engine)
    record = clusters(engine)
    return {"documents": len(docs), "deployments": len(labels), "records": len(set(record)), "merges": merged,
            "threshold": dr.AUTO_MERGE_SCORE, "sweep": sweep, **pairwise(labels, record, programs)}


def evaluate(docs: list[Document], extractor=None) -> dict:
    """Both runs: gold extraction, and (with an extractor) extracted deployments."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        out["gold"] = run(docs, lambda d: (gold_extraction(d), list(range(len(d.gold.get("deployments", []))))),
                          Path(tmp), "gold")
        if extractor is not None:
            def extracted(d: Document) -> tuple[Extraction, list[int | None]]:
                x = extractor(Source(uri=f"{d.id}.txt", text=d.text))
                return x, align(d, x.deployments)
            out["extracted"] = run(docs, extracted, Path(tmp), "extracted")
    return out
