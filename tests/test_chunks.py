"""Long texts are extracted in chunks: offsets stay exact in the whole text, nothing is lost where two
chunks meet, one pass never reads more than a chunk, and the same holds for the CLI, the ingest and the
web's job worker. Only a text past the hard limit is refused, with one line."""

from __future__ import annotations

import json

import pytest

from counterwatch.extract import chunks, pipeline, to_json
from counterwatch.ingest import readers
from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import read
from counterwatch.ingest.source import Source

CHUNK = 2000  # chunk size of these tests: three paragraphs each
CITIES = ["Oslo", "Riga", "Lima", "Tartu", "Bergen", "Porto", "Gdansk", "Turin", "Seville", "Malmo", "Graz", "Basel"]
FILLER = "The programme was discussed at length by residents who raised many questions about it. "


def _report(cities: list[str] = CITIES) -> str:
    """A report of one paragraph per city, each stating one deployment at its start and filler after,
    so every chunk carries deployments and some sit right after a cut."""
    paras = [f"Police in {c} use facial recognition cameras supplied by Hikvision, the city council said in 2021. "
             + FILLER * 6 for c in cities]
    return "Report on surveillance in Europe\n\n" + "\n\n".join(paras) + "\n\n© 2024 Privacy Watch"


def passes(monkeypatch) -> list[int]:
    """Chunks of CHUNK characters, and the characters every extraction pass read, of any Extractor."""
    seen: list[int] = []
    contexts = pipeline.Extractor.contexts

    def spy(self, sources, **kw):
        seen.append(sum(len(s.text) for s in sources))
        return contexts(self, sources, **kw)

    monkeypatch.setattr(pipeline, "CHUNK_CHARS", CHUNK)
    monkeypatch.setattr(pipeline.Extractor, "contexts", spy)
    return seen


def _places(data: dict) -> set[str]:
    return {p for d in data["deployments"] for p in d["places"]}


def _assert_exact(data: dict, text: str) -> None:
    spans = [s for d in data["deployments"] for s in d["evidence_spans"]] + [r["evidence_span"] for r in data["relations"]]
    assert spans and all(text[s["start"]:s["end"]] == s["quote"] for s in spans)
    mentions = [m for e in data["entities"] for m in e["mentions"]]
    assert mentions and all(text[m["start"]:m["end"]] == m["text"] for m in mentions)


def test_chunks_cover_the_text_without_gap_cut_at_paragraph_ends():
    text = _report()
    got = list(chunks.spans(text, CHUNK))
    assert len(got) > 3 and got[0][0] == 0 and got[-1][1] == len(text)
    assert all(a == prev_b for (_, prev_b), (a, _) in zip(got, got[1:]))  # no gap, no overlap
    assert all(b - a <= CHUNK for a, b in got)
    assert all(text[a:b].endswith("\n\n") for a, b in got[:-1])  # every cut at a paragraph end
    line = "word " * 2000  # no paragraph: cut at spaces; no space at all: a hard cut at the size
    assert all(line[a:b].endswith(" ") for a, b in list(chunks.spans(line, CHUNK))[:-1])
    solid = "x" * 7000
    assert list(chunks.spans(solid, CHUNK)) == [(0, 2000), (2000, 4000), (4000, 6000), (6000, 7000)]
    assert list(chunks.spans("", CHUNK)) == [(0, 0)]


def test_a_long_text_is_extracted_chunk_by_chunk_with_exact_offsets(extractor, monkeypatch):
    text = _report()
    whole = to_json(extractor(Source(uri="r.txt", text=text)), "r")
    seen = passes(monkeypatch)
    x = extractor(Source(uri="r.txt", text=text))
    data = to_json(x, "r")
    assert len(seen) > 3 and max(seen) <= CHUNK  # one pass never read more than a chunk
    _assert_exact(data, text)
    assert _places(data) == _places(whole) == set(CITIES)  # nothing lost where chunks meet
    names = [e["name"] for e in data["entities"]]
    assert len(names) == len(set(names)) and "Hikvision" in names  # one entity of a name across chunks
    hik = next(e for e in data["entities"] if e["name"] == "Hikvision")
    assert len(hik["mentions"]) == len(CITIES)
    assert data["document"]["title"] == "Report on surveillance in Europe"
    assert data["document"]["sha256"] == Source(uri="r.txt", text=text).sha256
    assert data["document"]["publisher"] == whole["document"]["publisher"] == "Privacy Watch"
    assert x.words == len(text.split())


def test_a_chunk_naming_no_country_takes_the_earlier_chunks_country(extractor, monkeypatch):
    passes(monkeypatch)
    text = _report(["Oslo", "Bergen", "Oslo", "Bergen"]) + "\n\n" + ("The city police use drones over protests. "
                                                                    + FILLER * 8) * 3
    data = to_json(extractor(Source(uri="no.txt", text=text)), "no")
    _assert_exact(data, text)
    assert {d["country"] for d in data["deployments"]} == {"NO"}


def test_cli_extract_and_ingest_read_a_text_past_one_chunk(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from counterwatch.cli import app

    seen = passes(monkeypatch)
    monkeypatch.setenv("COUNTERWATCH_MODEL", "rules")
    text = _report()
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(path), "--json-dir", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "report.json").read_text())
    _assert_exact(data, text)
    assert _places(data) == set(CITIES) and len(seen) > 3 and max(seen) <= CHUNK
    db = tmp_path / "r.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(path), "--database", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    assert len(seen) > 6 and max(seen) <= CHUNK
    from counterwatch.store import connect

    _assert_stored_exact(connect(f"sqlite:///{db}"), text)


def _assert_stored_exact(engine, text: str) -> None:
    from sqlalchemy import text as sql

    with engine.connect() as conn:
        (stored,) = conn.execute(sql("SELECT text FROM source")).one()
        claims = conn.execute(sql('SELECT quote, start, "end" FROM claim')).all()
    assert stored == text and len(claims) > len(CITIES)
    assert all(stored[a:b] == q for q, a, b in claims)
    assert {c for c in CITIES if any(c in q for q, _, _ in claims)} == set(CITIES)


def test_an_upload_past_one_chunk_is_stored_by_the_job_worker(engine, extractor, monkeypatch):
    from fastapi.testclient import TestClient

    from counterwatch.pipeline.worker import run_one
    from counterwatch.store.accounts import add_user, new_token
    from counterwatch.web import jobs
    from counterwatch.web.app import create_app

    seen = passes(monkeypatch)
    monkeypatch.setattr(jobs.Worker, "ensure", lambda self: None)  # the job is run here, by the worker's own step
    add_user(engine, "ed", "a long enough password", "editor")
    client = TestClient(create_app(engine, secret_key="test"),
                        headers={"Authorization": f"Bearer {new_token(engine, 'ed')}"})
    text = _report()
    r = client.post("/api/sources", files={"file": ("report.txt", text.encode(), "text/plain")})
    assert r.status_code == 202
    assert run_one(engine, extractor) == r.json()["job_id"]
    job = client.get(f"/api/jobs/{r.json()['job_id']}").json()
    assert job["status"] == "done", job
    assert len(seen) > 3 and max(seen) <= CHUNK
    _assert_stored_exact(engine, text)


def test_only_a_text_past_the_hard_limit_is_refused_with_one_line(tmp_path, monkeypatch):
    from counterwatch.limits import LIMITS

    assert LIMITS.text_chars >= 40 * LIMITS.extract_chars
    path = tmp_path / "long.txt"
    path.write_text(_report() * 40, encoding="utf-8")  # past one chunk of the shipped size
    assert len(read(str(path)).text) > LIMITS.extract_chars
    monkeypatch.setattr(readers, "MAX_TEXT_CHARS", 50_000)
    with pytest.raises(InputError, match="text too long to extract") as caught:
        read(str(path))
    assert "\n" not in str(caught.value) and "limit 50,000" in str(caught.value)
    with pytest.raises(InputError, match="text too long to extract"):
        readers.read_pasted(_report() * 40, "pasted")
