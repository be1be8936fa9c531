"""Imports of FollowTheMoney JSON lines and the Atlas-like CSV.

The imported file itself becomes a source, and every record claim quotes the exact line it came
from: nothing enters the register without evidence, and an imported statement stays attributable
to the dataset that made it.
"""

from __future__ import annotations

import csv
import io
import json

from counterwatch.findings import Deployment, Entity, Evidence, Extraction, Mention, Relation
from counterwatch.ingest.source import Source
from counterwatch.names import key
from counterwatch.register import REGISTER
from counterwatch.store.writer import IngestResult, store_extraction

_LINKS = REGISTER.link_schemata()  # FtM link schema -> its subject and object properties (register.yml)
_ROLES = {spec.ftm_role: fld for fld, spec in REGISTER.entity_fields.items()}  # ProjectParticipant role -> field


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, line
        pos += len(line) + 1


def from_ftm(engine, text: str, uri: str) -> IngestResult:
    """FtM entities -> entities, deployments (Project + ProjectParticipant) and relations."""
    rows = [(pos, line, json.loads(line)) for pos, line in _lines(text)]
    names: dict[str, str] = {}
    ents: dict[str, Entity] = {}
    for pos, line, r in rows:
        props = r.get("properties", {})
        actor = REGISTER.entity_of_schema(r["schema"])
        if actor and props.get("name"):
            name = props["name"][0]
            names[r["id"]] = name
            country = (props.get("country") or [None])[0]
            ents[name] = Entity(name=name, type=actor[0], aliases=props.get("alias", []),
                                country=country.upper() if country else None, kind=actor[1],
                                mentions=[Mention(pos, pos + len(line), line, "")])
    deps: dict[str, Deployment] = {}
    rels: list[Relation] = []
    for pos, line, r in rows:
        props, ev = r.get("properties", {}), Evidence(pos, pos + len(line), line)
        get = lambda p: props.get(p) or []  # noqa: E731
        if r["schema"] == "Project":
            techs = [t.strip() for s in get("summary") for t in s.split(",") if t.strip()]
            country = (get("country") or [None])[0]
            deps[r["id"]] = Deployment(name=get("name")[0] if get("name") else r["id"], country=country.upper() if country else None,
                                       places=[], technologies=techs, operators=[], suppliers=[], targets=[],
                                       status=(get("status") or [REGISTER.default_status])[0],
                                       start=(get("startDate") or [None])[0], certainty=REGISTER.default_certainty,
                                       evidence=[ev])
        elif r["schema"] in _LINKS:
            link = _LINKS[r["schema"]]
            s, o = names.get((get(link.subject) or [""])[0]), names.get((get(link.object) or [""])[0])
            if s and o:
                pred = REGISTER.predicate_of(r["schema"], (get("role") or [None])[0])
                rels.append(Relation(s, pred, o, (get("status") or [REGISTER.default_certainty])[0], ev))
    for pos, line, r in rows:
        props = r.get("properties", {})
        if r["schema"] == "ProjectParticipant":
            dep = deps.get((props.get("project") or [""])[0])
            actor = names.get((props.get("participant") or [""])[0])
            if dep and actor:
                fld = _ROLES.get((props.get("role") or [""])[0], "operator")
                getattr(dep, REGISTER.deployment[fld].attribute).append(actor)
                dep.evidence.append(Evidence(pos, pos + len(line), line))
    x = Extraction(document={"title": f"FollowTheMoney import: {uri}"}, entities=list(ents.values()),
                   deployments=list(deps.values()), relations=rels)
    return store_extraction(engine, Source(uri=uri, text=text, media_type="application/x-ftm+json"), x)


def from_csv(engine, text: str, uri: str) -> IngestResult:
    """Atlas-like rows -> one deployment per deployment_id (or per operator x technology x place)."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    reader = csv.DictReader(io.StringIO(text))
    deps: dict[str, Deployment] = {}
    ents: dict[str, Entity] = {}
    first_line = 1  # a row may span lines (quotes with line breaks): line_num tells where it ended
    for row in reader:
        begin, end_line = starts[first_line], reader.line_num
        end = starts[end_line] - 1 if end_line < len(starts) else len(text)
        first_line = end_line
        pos, line = begin, text[begin:end]
        ev = Evidence(pos, pos + len(line), line)
        ident = row.get("deployment_id") or f"{row['operator']}|{row['technology']}|{row['place']}"
        dep = deps.setdefault(ident, Deployment(
            name=row.get("deployment") or f"{row['technology']} by {row['operator']}", country=row.get("country") or None,
            places=[], technologies=[], operators=[], suppliers=[], targets=[],
            status=(row.get("status") or REGISTER.default_status).split(";")[0],
            start=(row.get("start") or "").split(";")[0] or None,
            certainty=(row.get("certainty") or REGISTER.default_certainty).split(";")[0], evidence=[]))
        for fld, values in (("operators", [row.get("operator")]), ("technologies", [row.get("technology")]),
                            ("places", [row.get("place")]), ("suppliers", (row.get("suppliers") or "").split(";"))):
            for v in values:
                if v and v not in getattr(dep, fld):
                    getattr(dep, fld).append(v)
        dep.evidence.append(ev)
        for name in [row.get("operator"), *(row.get("suppliers") or "").split(";")]:
            if name and key(name) not in {key(n) for n in ents}:
                ents[name] = Entity(name=name, type="organization", mentions=[Mention(pos, pos + len(line), line, "")])
    x = Extraction(document={"title": f"CSV import: {uri}"}, entities=list(ents.values()),
                   deployments=list(deps.values()), relations=[])
    return store_extraction(engine, Source(uri=uri, text=text, media_type="text/csv"), x)
