"""Exports validate in their own tools' terms and the dump round-trips with nothing lost."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from followthemoney import model

from counterwatch.exchange import dump, ftm, graphs, snapshot, tabular
from counterwatch.ingest.source import Source
from counterwatch.query.viewer import STAFF, public_viewer
from counterwatch.store import connect, store_extraction
from counterwatch.store.review import review
from counterwatch.store.writer import stats

DOCS = [
    "The Belgrade police deployed facial recognition cameras supplied by Huawei in Belgrade since 2019, "
    "according to SHARE Foundation. Danilo Krivokapic, director of SHARE Foundation, criticised the plan.",
    "The European Commission funded the Ministry of Interior, records show. Huawei allegedly supplied cameras "
    "to the Ministry of Interior in Novi Sad.",
    "Police in Nis installed\nsurveillance cameras with \"smart\" analytics, the city said.",
]


@pytest.fixture()
def engine(tmp_path, extractor):
    eng = connect(f"sqlite:///{tmp_path / 'x.sqlite'}")
    for i, text in enumerate(DOCS):
        src = Source(uri=f"https://example.org/{i}", text=text)
        store_extraction(eng, src, extractor(src))
    return eng


def test_ftm_entities_are_valid_followthemoney(engine):
    rows = list(ftm.entities(snapshot.take(engine, STAFF)))
    schemata = {r["schema"] for r in rows}
    assert {"Document", "Project", "ProjectParticipant", "Documentation"} <= schemata
    assert schemata & {"Organization", "Company", "PublicBody"} and "Person" in schemata
    ids = {r["id"] for r in rows}
    for r in rows:
        proxy = model.get_proxy(r)  # raises on unknown schema or property
        assert proxy.id and not proxy.schema.abstract
        for prop in proxy.schema.properties.values():
            if prop.type.name == "entity":
                assert all(v in ids for v in proxy.get(prop)), (r["schema"], prop.name)


def test_csv_geojson_and_graph_formats(engine):
    snap = snapshot.take(engine, STAFF)
    rows = list(csv.DictReader(io.StringIO(tabular.to_csv(snap))))
    assert any(r["technology"] == "face_recognition" and r["operator"] and r["source_url"].startswith("https://")
               for r in rows)
    geo = tabular.to_geojson(snap)
    assert geo["features"] and all(-180 <= f["geometry"]["coordinates"][0] <= 180 for f in geo["features"])
    g = nx.read_graphml(io.StringIO(graphs.to_graphml(engine, STAFF)))
    assert g.number_of_nodes() > 2 and all("quote" in d for _, _, d in g.edges(data=True))
    assert nx.read_gexf(io.StringIO(graphs.to_gexf(engine, STAFF))).number_of_nodes() == g.number_of_nodes()


def test_public_exports_hold_accepted_claims_only(engine):
    assert snapshot.take(engine, public_viewer(engine)).deployments == {}
    claim = snapshot.take(engine, STAFF).first("deployment", 1, "technology")
    review(engine, claim.id, "accept", "ana")
    public = snapshot.take(engine, public_viewer(engine))
    assert list(public.deployments) == [1]


def test_dump_round_trip_loses_nothing(engine, tmp_path):
    review(engine, 1, "edit", "ana", value="edited value", reason="typo")
    first = dump.export_dump(engine)
    other = connect(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    counts = dump.import_dump(other, json.loads(json.dumps(first)))
    assert counts == {"sources": len(DOCS), "claims": len(first["claims"])}
    again = dump.export_dump(other)
    assert again == first
    assert stats(other) == stats(engine)
    with pytest.raises(ValueError):
        dump.import_dump(other, {"counterwatch_dump": 99})


def _ftm_core(rows):
    """What an FtM export says, without ids: named records and the links between them."""
    names = {r["id"]: (r["properties"].get("name") or [None])[0] for r in rows}
    core = set()
    for r in rows:
        p = r["properties"]
        if r["schema"] in ("Organization", "Company", "PublicBody", "Person", "Project"):
            core.add((r["schema"], p["name"][0]))
        elif r["schema"] == "ProjectParticipant":
            core.add(("participant", names[p["project"][0]], names[p["participant"][0]], p["role"][0]))
        elif r["schema"] in ("Membership", "Payment", "Associate", "UnknownLink"):
            ends = [names.get(v[0]) for k, v in sorted(p.items()) if k in
                    ("member", "organization", "payer", "beneficiary", "person", "associate", "subject", "object")]
            core.add((r["schema"], *ends))
    return core


def test_ftm_and_csv_round_trip(engine, tmp_path):
    from counterwatch.exchange.imports import from_csv, from_ftm

    first = list(ftm.entities(snapshot.take(engine, STAFF)))
    other = connect(f"sqlite:///{tmp_path / 'ftm.sqlite'}")
    from_ftm(other, "".join(json.dumps(r) + "\n" for r in first), "export.ftm.jsonl")
    again = list(ftm.entities(snapshot.take(other, STAFF)))
    assert _ftm_core(first) <= _ftm_core(again)

    cols = ("operator", "technology", "place", "country", "status", "certainty", "suppliers")
    rows1 = {tuple(r[c] for c in cols) for r in csv.DictReader(io.StringIO(tabular.to_csv(snapshot.take(engine, STAFF))))}
    third = connect(f"sqlite:///{tmp_path / 'csv.sqlite'}")
    from_csv(third, tabular.to_csv(snapshot.take(engine, STAFF)), "export.csv")
    rows2 = {tuple(r[c] for c in cols) for r in csv.DictReader(io.StringIO(tabular.to_csv(snapshot.take(third, STAFF))))}
    assert rows1 == rows2


def test_protected_persons_are_suggested_and_never_exported_publicly(tmp_path, extractor):
    from counterwatch.store import schema as t
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    text = ("On October 4, 2022, police in Jinan arrested Falun Gong practitioner Xu Wenlong and his cousin. "
            "The police drew blood samples from Xu Wenlong, according to Minghui.org. "
            "Emile Dirks, a research associate at The Citizen Lab, documented the case.")
    eng = connect(f"sqlite:///{tmp_path / 'p.sqlite'}")
    src = Source(uri="case.txt", text=text)
    result = extractor(src)
    protected = {e.name for e in result.entities if e.protected_cue}
    assert protected == {"Xu Wenlong"}
    store_extraction(eng, src, result)
    for claim in snapshot.take(eng, STAFF).claims.values():  # editors accept everything
        for c in claim:
            review(eng, c.id, "accept", "ana")
    public = snapshot.take(eng, public_viewer(eng))
    exported = ("".join(json.dumps(r) for r in ftm.entities(public)) + tabular.to_csv(public)
                + json.dumps(tabular.to_geojson(public)) + graphs.to_graphml(eng, public_viewer(eng))
                + graphs.to_gexf(eng, public_viewer(eng)))
    assert "Xu Wenlong" not in exported and "[protected person]" in exported
    assert "Emile Dirks" in exported
    with Session(eng) as s, s.begin():  # an editor decides the person may be named
        s.scalar(select(t.Entity).where(t.Entity.name == "Xu Wenlong")).protected_decision = False
    public = snapshot.take(eng, public_viewer(eng))
    assert "Xu Wenlong" in "".join(json.dumps(r) for r in ftm.entities(public))
