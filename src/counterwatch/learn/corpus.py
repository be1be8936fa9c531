"""The annotated training corpus: load it, check it, and split it by a fixed seed.

Standard library, PyYAML and the register's vocabulary (`counterwatch/register.py`) only, so annotators can
check their files without installing the project, from the repository's root:
    PYTHONPATH=src python3 src/counterwatch/learn/corpus.py corpus/        # check every document
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from counterwatch.register import REGISTER

TYPES, STATUSES = set(REGISTER.entity_types), set(REGISTER.statuses)  # a gold record uses the register's model
CERTAINTIES, PREDICATES = set(REGISTER.certainty), set(REGISTER.predicates)
TECHNOLOGIES = {
    "face_recognition", "fingerprint", "iris_recognition", "voice_recognition", "gait_recognition",
    "emotion_recognition", "dna_collection", "dna_phenotyping", "familial_dna_search", "blood_sampling",
    "biometric_id", "cctv", "license_plate_recognition", "vehicle_tracking", "location_tracking",
    "cell_site_simulator", "phone_extraction", "spyware", "internet_monitoring", "predictive_policing",
    "gunshot_detection", "drone", "body_camera", "data_fusion", "video_analytics",
}
SPLIT_SEED = 20261202
SPLIT_SHARES = {"train": 0.7, "dev": 0.15}  # the rest is test: never used for tuning
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Document:
    """One annotated document: its text and its gold record (SCHEMA.md of the shared dev set)."""

    id: str
    text: str
    gold: dict


def problems(text: str, gold: dict) -> list[str]:
    """Everything wrong with one gold record against its text; empty when it is valid."""
    out: list[str] = []
    names: dict[str, str] = {}
    for e in gold.get("entities", []):
        if e.get("type") not in TYPES:
            out.append(f"entity {e.get('name')!r}: type {e.get('type')!r}")
        for n in [e.get("name", "")] + list(e.get("aliases") or []):
            if not n or n not in text:
                out.append(f"entity name {n!r} is not in the text")
            names[n] = e.get("type", "")
        if e.get("type") == "place" and not _COUNTRY.match(e.get("country") or ""):
            out.append(f"place {e.get('name')!r}: country must be ISO alpha-2")
    for d in gold.get("deployments", []):
        label = d.get("name", "?")
        if not _COUNTRY.match(d.get("country") or ""):
            out.append(f"deployment {label!r}: country {d.get('country')!r}")
        techs = d.get("technologies") or []
        if not techs or set(techs) - TECHNOLOGIES:
            out.append(f"deployment {label!r}: technologies {techs}")
        if d.get("status") not in STATUSES:
            out.append(f"deployment {label!r}: status {d.get('status')!r}")
        if d.get("certainty") not in CERTAINTIES:
            out.append(f"deployment {label!r}: certainty {d.get('certainty')!r}")
        if d.get("start") is not None and not _DATE.match(str(d["start"])):
            out.append(f"deployment {label!r}: start {d.get('start')!r}")
        for role in ("operators", "suppliers"):
            for n in d.get(role) or []:
                if names.get(n) not in ("organization", "person"):
                    out.append(f"deployment {label!r}: {role[:-1]} {n!r} is not a listed organization or person")
        for p in d.get("places") or []:
            if names.get(p) != "place":
                out.append(f"deployment {label!r}: place {p!r} is not a listed place")
        if not d.get("evidence"):
            out.append(f"deployment {label!r}: no evidence")
        for q in d.get("evidence") or []:
            if not q or q not in text:
                out.append(f"deployment {label!r}: evidence not exact: {q!r}")
    for r in gold.get("relations", []):
        if r.get("predicate") not in PREDICATES:
            out.append(f"relation predicate {r.get('predicate')!r}")
        for end in ("subject", "object"):
            if names.get(r.get(end, "")) not in ("organization", "person"):
                out.append(f"relation {end} {r.get(end)!r} is not a listed organization or person")
        if r.get("certainty") not in CERTAINTIES:
            out.append(f"relation certainty {r.get('certainty')!r}")
        if not r.get("evidence") or r["evidence"] not in text:
            out.append(f"relation evidence not exact: {r.get('evidence')!r}")
    return out


def load(root: Path) -> list[Document]:
    """Every document under root/docs with its root/gold record, sorted by id."""
    docs = []
    for gpath in sorted((root / "gold").glob("*.json")):
        text = (root / "docs" / f"{gpath.stem}.txt").read_text(encoding="utf-8")
        docs.append(Document(gpath.stem, text, json.loads(gpath.read_text(encoding="utf-8"))))
    return docs


def split_of(doc_id: str) -> str:
    """train / dev / test by a seeded hash of the id: stable when documents are added."""
    r = random.Random(f"{SPLIT_SEED}:{doc_id}").random()
    if r < SPLIT_SHARES["train"]:
        return "train"
    return "dev" if r < SPLIT_SHARES["train"] + SPLIT_SHARES["dev"] else "test"


def split(docs: list[Document]) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {"train": [], "dev": [], "test": []}
    for d in docs:
        out[split_of(d.id)].append(d)
    return out


def digest(docs: list[Document]) -> str:
    """SHA-256 over ids, texts and gold: the corpus version a model manifest names."""
    h = hashlib.sha256()
    for d in docs:
        h.update(d.id.encode())
        h.update(d.text.encode())
        h.update(json.dumps(d.gold, sort_keys=True).encode())
    return h.hexdigest()


def summary(docs: list[Document]) -> dict:
    """What the corpus covers: the counts its README reports and its test checks."""
    from collections import Counter
    deps = [d for doc in docs for d in doc.gold.get("deployments", [])]
    rels = [r for doc in docs for r in doc.gold.get("relations", [])]
    programs = Counter(d.get("program") for d in deps if d.get("program"))
    return {
        "documents": len(docs), "invented": sum(bool(d.gold.get("document", {}).get("invented")) for d in docs),
        "words": sum(len(d.text.split()) for d in docs),
        "splits": dict(Counter(split_of(d.id) for d in docs)),
        "genres": dict(Counter(d.gold.get("document", {}).get("genre") or "unlabelled" for d in docs).most_common()),
        "countries": len({d["country"] for d in deps}), "deployments": len(deps),
        "technologies": dict(Counter(t for d in deps for t in d["technologies"]).most_common()),
        "certainty": dict(Counter(d["certainty"] for d in deps).most_common()),
        "status": dict(Counter(d["status"] for d in deps).most_common()),
        "with_start": sum(bool(d.get("start")) for d in deps),
        "relations": len(rels), "predicates": dict(Counter(r["predicate"] for r in rels).most_common()),
        "entities": sum(len(d.gold.get("entities", [])) for d in docs),
        "programs": {p: n for p, n in programs.items() if n > 1},
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--summary"]:
        print(json.dumps(summary(load(Path(argv[1] if len(argv) > 1 else "corpus"))), indent=1))
        return 0
    bad = 0
    paths = [Path(a) for a in argv] or [Path("corpus")]
    for path in paths:
        gold_files = sorted((path / "gold").glob("*.json")) if path.is_dir() else [path]
        for gpath in gold_files:
            text_path = gpath.parent.parent / "docs" / f"{gpath.stem}.txt"
            try:
                found = problems(text_path.read_text(encoding="utf-8"), json.loads(gpath.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                found = [str(exc)]
            for p in found:
                print(f"{gpath.stem}: {p}")
            bad += bool(found)
    print(f"{bad} document(s) with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
