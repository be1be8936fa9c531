"""Every way out of the register and back in, by name: the one registry the CLI, the pages and the API
choose from, so a format added here is offered by all three.

One signature each way. An exporter renders the register as `viewer` sees it (the public gets what it
sees, editors the full register): (engine, viewer) -> text. An importer stores a file's text, kept as a
source under `uri` so every claim it adds quotes the file: (engine, text, uri) -> Imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import Engine

from counterwatch.exchange import dump, ftm, graphs, imports, snapshot, tabular
from counterwatch.query.viewer import Viewer
from counterwatch.store.writer import IngestResult


@dataclass(frozen=True)
class Imported:
    """What an import added: the outcome, sources and claims stored."""

    outcome: str  # stored | new_version | unchanged | imported
    sources: int
    claims: int

    def __str__(self) -> str:
        return f"{self.outcome}: {self.sources} source(s), {self.claims} claim(s)"


Exporter = Callable[[Engine, Viewer], str]
Importer = Callable[[Engine, str, str], Imported]


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str  # of an exported file
    export: Exporter
    load: Importer | None = None  # None: export only
    suffixes: tuple[str, ...] = ()  # the file names an import takes for this format


def _ftm(engine: Engine, viewer: Viewer) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ftm.entities(snapshot.take(engine, viewer)))


def _csv(engine: Engine, viewer: Viewer) -> str:
    return tabular.to_csv(snapshot.take(engine, viewer))


def _geojson(engine: Engine, viewer: Viewer) -> str:
    return json.dumps(tabular.to_geojson(snapshot.take(engine, viewer)), ensure_ascii=False)


def _dump(engine: Engine, viewer: Viewer) -> str:
    """A public viewer's dump holds no review history."""
    data = dump.public_dump(engine, viewer) if viewer.public else dump.export_dump(engine)
    return json.dumps(data, ensure_ascii=False, indent=1)


def _stored(result: IngestResult) -> Imported:
    return Imported(result.status, int(result.status != "unchanged"), result.claims)


def _from_dump(engine: Engine, text: str, uri: str) -> Imported:
    counts = dump.import_dump(engine, json.loads(text))
    return Imported("imported", counts["sources"], counts["claims"])


FORMATS: dict[str, Format] = {f.name: f for f in [
    Format("csv", "text/csv", "csv", _csv, lambda e, text, uri: _stored(imports.from_csv(e, text, uri)), (".csv",)),
    Format("ftm", "application/x-ndjson", "ftm.jsonl", _ftm,
           lambda e, text, uri: _stored(imports.from_ftm(e, text, uri)), (".jsonl", ".ftm", ".ndjson")),
    Format("geojson", "application/geo+json", "geojson", _geojson),
    Format("gexf", "application/gexf+xml", "gexf", graphs.to_gexf),
    Format("graphml", "application/graphml+xml", "graphml", graphs.to_graphml),
    Format("dump", "application/json", "json", _dump, _from_dump, (".json",)),
]}


def get(name: str) -> Format:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}: one of {', '.join(FORMATS)}")
    return FORMATS[name]


def render(engine: Engine, viewer: Viewer, name: str) -> str:
    """The register in format `name` as `viewer` sees it."""
    return get(name).export(engine, viewer)


def importable() -> list[str]:
    return [f.name for f in FORMATS.values() if f.load]


def of_file(path: str) -> Format:
    """The import format of a file, by its name; a register dump when no other claims it."""
    suffix = PurePath(path).suffix.lower()
    return next((f for f in FORMATS.values() if f.load and suffix in f.suffixes), FORMATS["dump"])


def import_text(engine: Engine, name: str, text: str, uri: str) -> Imported:
    """Store `text` read as format `name` (ValueError for a format that is export only)."""
    fmt = get(name)
    if fmt.load is None:
        raise ValueError(f"{name} is an export format only: import one of {', '.join(importable())}")
    return fmt.load(engine, text, uri)
