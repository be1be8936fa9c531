"""The register on both databases: idempotent ingest, versions, one entity across sources, atomicity."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from counterwatch.findings import Evidence
from counterwatch.ingest.source import Source
from counterwatch.query.viewer import STAFF
from counterwatch.store import schema as t
from counterwatch.store import store_extraction
from counterwatch.store.writer import stats


A = ("Human Rights Watch said the Tarnia Police have used facial recognition cameras in Velmar since 2021. "
     "The cameras were supplied by Hikvision.")
B = ("Human Rights Watch (HRW) reported that Ostrava police bought iris scanners. "
     "Jana Novak, a researcher at Human Rights Watch, said the scanners were supplied by Idemia.")


def _ingest(engine, extractor, uri: str, body: str):
    src = Source(uri=uri, text=body)
    return store_extraction(engine, src, extractor(src))


def test_reingest_is_a_noop_and_changed_page_is_a_version(engine, extractor):
    first = _ingest(engine, extractor, "https://example.org/a", A)
    before = stats(engine)
    again = _ingest(engine, extractor, "https://example.org/a", A)
    assert (first.status, again.status) == ("stored", "unchanged")
    assert stats(engine) == before
    changed = _ingest(engine, extractor, "https://example.org/a", A + " The programme was expanded in 2023.")
    assert changed.status == "new_version"
    with Session(engine) as s:
        assert sorted(s.scalars(select(t.Source.version).where(t.Source.uri == "https://example.org/a"))) == [1, 2]


def test_one_entity_across_sources_with_claims_and_evidence(engine, extractor):
    _ingest(engine, extractor, "a.txt", A)
    _ingest(engine, extractor, "b.txt", B)
    with Session(engine) as s:
        hrw = s.scalars(select(t.Entity).where(t.Entity.name == "Human Rights Watch")).all()
        assert len(hrw) == 1
        sources = set(s.scalars(select(t.Claim.source_id).where(t.Claim.record_type == "entity",
                                                                t.Claim.record_id == hrw[0].id)))
        assert len(sources) == 2
        texts = {src.id: src.text for src in s.scalars(select(t.Source))}
        for claim in s.scalars(select(t.Claim)):
            assert texts[claim.source_id][claim.start:claim.end] == claim.quote
            assert claim.status == "proposed"
    figures = stats(engine)
    assert figures["sources"] == 2 and figures["deployments"] >= 2 and figures["claims_by_status"]["proposed"] > 10


def test_a_failing_document_stores_nothing(engine, extractor):
    src = Source(uri="c.txt", text=A)
    result = extractor(src)
    result.deployments[0].name = None  # violates NOT NULL mid-transaction
    with pytest.raises(Exception):
        store_extraction(engine, src, result)
    assert stats(engine)["sources"] == 0 and stats(engine)["claims"] == 0


def test_a_relation_stated_twice_is_one_relation_with_a_claim_per_statement(engine, extractor):
    src = Source(uri="b.txt", text=B)
    x = extractor(src)
    assert x.relations, "the fixture text states a relation"
    first = x.relations[0]
    i = B.index("Jana Novak")
    x.relations.append(replace(first, certainty="alleged", evidence=Evidence(i, i + 10, B[i:i + 10])))
    store_extraction(engine, src, x)
    again = Source(uri="b2.txt", text=B + " More later.")
    store_extraction(engine, again, extractor(again))
    with Session(engine) as s:
        ids = {(r.subject_id, r.predicate, r.object_id): r.id for r in s.scalars(select(t.Relation))}
        assert len(ids) == s.query(t.Relation).count()  # no triple stored twice
        claims = s.execute(select(t.Claim.source_id, t.Claim.certainty, t.Claim.start)
                           .where(t.Claim.record_type == "relation", t.Claim.field == first.predicate,
                                  t.Claim.value == f"{first.subject} -> {first.object}")).all()
        rel_ids = set(s.scalars(select(t.Claim.record_id).where(t.Claim.record_type == "relation",
                                                                t.Claim.value == f"{first.subject} -> {first.object}")))
    assert len(rel_ids) == 1  # both statements and the second source's point at one relation
    assert len({c.source_id for c in claims}) == 2
    assert ("alleged", i) in {(c.certainty, c.start) for c in claims}
    assert len(claims) >= 3


def test_search_finds_the_record_with_its_quote_and_survives_query_syntax(engine, extractor):
    from counterwatch.query.search import search

    _ingest(engine, extractor, "a.txt", A)
    _ingest(engine, extractor, "b.txt", B)
    hits = search(engine, STAFF, "iris")
    assert hits and hits[0].record_type == "deployment"
    assert "iris" in hits[0].quote.lower() and "[iris]" in hits[0].snippet.lower()
    assert {h.record_id for h in search(engine, STAFF, "facial recognition", country="XX")} == set()
    for hostile in ['iris" OR *', "'; DROP TABLE claim; --", "NEAR(", "!!!", ""]:
        search(engine, STAFF, hostile)  # no syntax error reaches the user, nothing is dropped
    assert stats(engine)["sources"] == 2


def test_search_ranks_the_tighter_claim_first(engine, extractor):
    from counterwatch.query.search import search

    _ingest(engine, extractor, "long.txt", "The Kano State Police, according to a report that several watchdogs published "
            "after months of interviews with residents, officials, lawyers and engineers across the whole region, "
            "has deployed iris scanners in Kano since 2021.")
    _ingest(engine, extractor, "short.txt", "The Lagos State Police deployed iris scanners in Lagos in 2020.")
    hits = search(engine, STAFF, "iris scanners")
    assert [h.quote.split()[1] for h in hits] == ["Lagos", "Kano"]  # one hit per deployment, shorter first
    assert hits[0].score > hits[1].score


def test_search_ranks_the_newest_matches_however_common_the_words(engine, extractor, monkeypatch):
    """The pool of ranked matches is the newest RANK_POOL matching claims, whether PostgreSQL finds them
    by walking the newest claims or through the text index; a window covering every claim is the truth."""
    from counterwatch.query import search as s

    for i, body in enumerate([A, B, A.replace("Velmar", "Ostrava"), B.replace("Idemia", "Thales"), A + " Idemia too."]):
        _ingest(engine, extractor, f"{i}.txt", body)
    monkeypatch.setattr(s, "RANK_POOL", 3)
    queries = [("police", {}), ("Human Rights Watch", {}), ("Idemia", {}), ("scanners", {"certainty": "reported"}),
               ("cameras", {"technology": "face_recognition"})]
    monkeypatch.setattr(s, "RECENT_WINDOW", 10**9)  # one walk over every claim
    truth = {q: [(h.record_type, h.record_id, h.quote) for h in s.search(engine, STAFF, q, **f)] for q, f in queries}
    assert all(truth.values())
    for window in (1, 2, 7):  # a window this small makes the rest come by walking on or through the index
        monkeypatch.setattr(s, "RECENT_WINDOW", window)
        assert {q: [(h.record_type, h.record_id, h.quote) for h in s.search(engine, STAFF, q, **f)] for q, f in queries} == truth



def test_public_search_finds_accepted_claims_behind_newer_proposals_and_follows_each_decision(engine, extractor, monkeypatch):
    """The public sees accepted claims only, also when newer proposals matching the same words fill the
    ranked pool many times over; accepting or rejecting a claim changes what it finds at once."""
    from counterwatch.query import search as s
    from counterwatch.query.viewer import public_viewer
    from counterwatch.store.review import review

    _ingest(engine, extractor, "old.txt", A)
    with Session(engine) as session:
        quote = session.scalars(select(t.Claim).where(t.Claim.quote.contains("facial recognition"))).first()
    for i in range(4):
        _ingest(engine, extractor, f"new{i}.txt", A.replace("Velmar", f"Velmar {i}").replace("2021", str(2010 + i)))
    monkeypatch.setattr(s, "RANK_POOL", 2)

    def public() -> set[str]:
        """The same answer whether PostgreSQL walks the newest claims or asks the text index."""
        found = []
        for window in (10**9, 1):
            monkeypatch.setattr(s, "RECENT_WINDOW", window)
            found.append({h.quote for h in s.search(engine, public_viewer(engine), "facial recognition cameras")})
        assert found[0] == found[1]
        return found[0]
    assert public() == set()
    review(engine, quote.id, "accept", "ana")
    assert public() == {quote.quote}
    review(engine, quote.id, "reject", "ana", reason="misread")
    assert public() == set()


def test_after_an_ingest_a_record_page_reads_its_claims_through_the_record_not_the_review_status(engine, extractor):
    """The public's record pages ask for one record's accepted claims: the planner must go by the record,
    whatever share of the register is accepted (with no statistics SQLite walked every accepted claim)."""
    from sqlalchemy import text

    from counterwatch.store.db import refresh_statistics
    from counterwatch.store.review import review

    for i in range(6):
        _ingest(engine, extractor, f"{i}.txt", A.replace("Velmar", f"Velmar {i}"))
    with Session(engine) as session:
        ids = session.scalars(select(t.Claim.id).order_by(t.Claim.id)).all()
    for i in ids[::2]:
        review(engine, i, "accept", "ana")
    refresh_statistics(engine)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        plan = " ".join(str(r) for r in conn.execute(text(
            explain + "SELECT id FROM claim WHERE record_type = 'entity' AND record_id = 1 AND status IN ('accepted')")))
    assert "ix_claim_status" not in plan, plan

def test_the_newest_matches_come_from_the_newest_id_buckets_first(engine, extractor, monkeypatch):
    """Claims spread over 46 id buckets (PostgreSQL's index knows each claim's, migration 0011): the pool
    is the newest matches however a word is spread (in every claim, every ninth, only the older half,
    three old ones), as a walk over every claim finds it."""
    from sqlalchemy import text

    from counterwatch.query import search as s
    from counterwatch.store.facets import token

    _ingest(engine, extractor, "a.txt", A)
    with Session(engine) as session:
        source_id = session.scalar(select(t.Source.id))
    rows = []
    for i in range(1, 601):
        words = ["zebra"] + ["okapi"] * (i % 9 == 0) + ["tapir"] * (i < 300 and i % 4 == 0) + ["quokka"] * (i in (7, 40, 41))
        rows.append({"id": 100_000 + i * 5003, "s": source_id, "r": i, "v": f"v{i}", "q": " ".join(words) + " seen.",
                     "f": token("certainty", "reported" if i % 3 else "alleged")})
    with engine.begin() as conn:
        conn.execute(text('INSERT INTO claim (id, source_id, record_type, record_id, field, value, certainty, quote, '
                          'start, "end", status, facets) VALUES (:id, :s, \'relation\', :r, \'mention\', :v, '
                          '\'reported\', :q, 0, 5, \'proposed\', :f)'), rows)
    monkeypatch.setattr(s, "RANK_POOL", 20)
    queries = [("zebra", {}), ("okapi", {}), ("tapir", {}), ("quokka", {}), ("zebra", {"certainty": "alleged"})]

    def pools() -> dict:
        return {(q, *f.values()): {h.record_id for h in s.search(engine, STAFF, q, limit=20, **f)
                                   if h.record_type == "relation"} for q, f in queries}

    monkeypatch.setattr(s, "RECENT_WINDOW", 10**9)  # one walk over every claim
    truth = pools()
    assert len(truth[("zebra",)]) == 20 and truth[("quokka",)] == {7, 40, 41} and max(truth[("tapir",)]) < 300
    for window in (5003, 30_000, 400_000):  # 1, 6 and 80 claims: the rest from the buckets or the whole index
        monkeypatch.setattr(s, "RECENT_WINDOW", window)
        assert pools() == truth, window


def test_review_keeps_history_and_record_view_cites_claims(engine, extractor):
    from counterwatch.query.records import show
    from counterwatch.store.review import ReviewError, history, review

    _ingest(engine, extractor, "a.txt", A)
    with Session(engine) as s:
        dep_id = s.scalar(select(t.Deployment.id))
    record = show(engine, STAFF, "deployment", dep_id)
    tech = record["fields"]["technology"][0]
    assert tech["value"] == "face_recognition" and A[tech["claims"][0]["start"]:tech["claims"][0]["end"]] == tech["claims"][0]["quote"]
    claim_id = tech["claims"][0]["claim_id"]
    review(engine, claim_id, "accept", "ana")
    review(engine, claim_id, "edit", "ben", value="video_analytics", reason="cameras only detect motion")
    with pytest.raises(ReviewError):
        review(engine, claim_id, "reject", "ana")  # no reason
    steps = history(engine, claim_id)
    assert [(h["editor"], h["action"], h["before"]["value"], h["after"]["value"]) for h in steps] == [
        ("ana", "accept", "face_recognition", "face_recognition"), ("ben", "edit", "face_recognition", "video_analytics")]
    assert stats(engine)["claims_by_status"]["accepted"] == 1


def test_conflicting_claims_are_shown_side_by_side(engine, extractor):
    from counterwatch.query.records import show

    _ingest(engine, extractor, "a.txt", A)
    with Session(engine) as s, s.begin():
        dep_id = s.scalar(select(t.Deployment.id))
        first = s.scalar(select(t.Claim).where(t.Claim.record_id == dep_id, t.Claim.field == "status"))
        s.add(t.Claim(source_id=first.source_id, record_type="deployment", record_id=dep_id, field="status",
                      value="ended", certainty="alleged", quote=first.quote, start=first.start, end=first.end))
    record = show(engine, STAFF, "deployment", dep_id)
    assert "status" in record["conflicts"] and len(record["fields"]["status"]) == 2


def test_fuzzy_candidates_judgements_and_merges_respected_on_ingest(engine, extractor):
    from counterwatch.store.resolution import auto_merge, candidates, judge

    _ingest(engine, extractor, "c.txt", "The Erasmus University Medical Center studied faces from DNA samples in Rotterdam.")
    _ingest(engine, extractor, "d.txt", "Erasmus University Medical Centre researchers used DNA samples from volunteers.")
    _ingest(engine, extractor, "e.txt", "Erasmus University and the Leiden University Medical Center said the DNA samples were donated.")
    pairs = {(c.left, c.right): c for c in candidates(engine)}
    center = next(c for (a, b), c in pairs.items() if {a, b} == {"Erasmus University Medical Center", "Erasmus University Medical Centre"})
    assert center.score >= 0.95 and "token_sort_ratio" in center.reason
    assert auto_merge(engine) >= 1
    with Session(engine) as s:
        ids = {e.name: e.id for e in s.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None)))}
    leiden, erasmus = ids["Leiden University Medical Center"], ids["Erasmus University Medical Center"]
    judge(engine, erasmus, leiden, "negative", "ana")
    assert all({c.left_id, c.right_id} != {erasmus, leiden} for c in candidates(engine))
    # a later source naming the merged spelling lands on the surviving entity
    _ingest(engine, extractor, "f.txt", "Erasmus University Medical Centre denied collecting DNA samples.")
    with Session(engine) as s:
        names = [e.name for e in s.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None)))]
    assert names.count("Erasmus University Medical Centre") == 0


def test_migrations_match_the_models(engine):
    from alembic import command

    from counterwatch.store.db import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises if the models drifted from the newest migration


def test_search_facets(engine, extractor):
    from counterwatch.query.search import search

    _ingest(engine, extractor, "a.txt", A)
    _ingest(engine, extractor, "b.txt", B)
    assert search(engine, STAFF, "cameras", technology="face_recognition")
    assert not search(engine, STAFF, "cameras", technology="drone")
    assert search(engine, STAFF, "cameras", year=2021) and not search(engine, STAFF, "cameras", year=1999)
    assert search(engine, STAFF, "cameras", actor="hikvision") and not search(engine, STAFF, "cameras", actor="nobody")
    assert not search(engine, STAFF, "cameras", status="planned")


def test_search_facets_follow_an_edit_and_a_dump_round_trip(engine, extractor, tmp_path):
    from counterwatch.exchange.dump import export_dump, import_dump
    from counterwatch.query.search import search
    from counterwatch.store import connect
    from counterwatch.store.review import review

    _ingest(engine, extractor, "a.txt", A)
    dep = search(engine, STAFF, "cameras", technology="face_recognition")[0].record_id
    with Session(engine) as s:
        tech = s.scalar(select(t.Claim).where(t.Claim.record_type == "deployment", t.Claim.record_id == dep,
                                              t.Claim.field == "technology"))
    review(engine, tech.id, "edit", "ana", value="drone")
    assert dep not in {h.record_id for h in search(engine, STAFF, "cameras", technology="face_recognition")}
    assert dep in {h.record_id for h in search(engine, STAFF, "Velmar", technology="drone", year=2021)}
    copy = connect(f"sqlite:///{tmp_path / 'copy.sqlite'}")
    import_dump(copy, export_dump(engine))
    assert [h.record_type for h in search(copy, STAFF, "Velmar", technology="drone", year=2021)] == ["deployment"]
    assert not search(copy, STAFF, "Velmar", technology="face_recognition")


def test_interactive_review_queue_records_history(engine, extractor, tmp_path):
    from typer.testing import CliRunner

    from counterwatch.cli import app
    from counterwatch.store.review import history

    _ingest(engine, extractor, "a.txt", A)
    first = stats(engine)["claims"]
    result = CliRunner().invoke(app, ["review", "--editor", "ana", "--database", engine.url.render_as_string(hide_password=False)],
                                input="a\n\ns\nr\nnot in the source\nq\n")
    assert result.exit_code == 0, result.output
    assert "2 claim(s) reviewed" in result.output
    figures = stats(engine)
    assert figures["claims_by_status"]["accepted"] == 1 and figures["claims_by_status"]["rejected"] == 1
    assert figures["claims"] == first
    with Session(engine) as s:
        rejected = s.scalar(select(t.Claim.id).where(t.Claim.status == "rejected"))
    assert history(engine, rejected)[0]["reason"] == "not in the source"


def test_upgrade_of_a_filled_database_from_the_first_migration(tmp_path, extractor):
    from alembic import command
    from sqlalchemy import create_engine

    from counterwatch.store import connect
    from counterwatch.store.db import alembic_config

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_engine(url)
    with old.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql("INSERT INTO entity (id, name, type, key) VALUES (1, 'Human Rights Watch', 'organization', 'human rights watch')")
        conn.exec_driver_sql("INSERT INTO alias (entity_id, name, key) VALUES (1, 'HRW', 'hrw')")
    engine = connect(url)  # upgrades to the newest revision with the rows in place
    assert stats(engine)["entities"] == 1


def test_a_record_named_by_many_sources_shows_a_page_of_claims_and_the_count(engine, extractor):
    from counterwatch.query.listing import entity_roles
    from counterwatch.query.records import show

    for i in range(4):
        _ingest(engine, extractor, f"n{i}.txt", A + f" The review number {i} was published.")
    with Session(engine) as s:
        hrw = s.scalar(select(t.Entity.id).where(t.Entity.name == "Human Rights Watch"))
        denied = s.scalar(select(t.Claim).where(t.Claim.record_type == "entity", t.Claim.record_id == hrw)
                          .order_by(t.Claim.id.desc()))
    with Session(engine) as s, s.begin():  # the newest claim, past the page, denies: still flagged
        s.get(t.Claim, denied.id).certainty = "denied"
    record = show(engine, STAFF, "entity", hrw, per_value=3)
    (mentions,) = record["fields"]["mention"]
    assert len(mentions["claims"]) == 3 and mentions["claims_total"] == 4
    assert record["denied_fields"] == ["mention"] and len(record["sources"]) == 4
    assert len(show(engine, STAFF, "entity", hrw)["fields"]["mention"][0]["claims"]) == 4
    with Session(engine) as s:
        hikvision = s.scalar(select(t.Entity.id).where(t.Entity.name == "Hikvision"))
    roles = entity_roles(engine, STAFF, hikvision)  # found through the claims' entity ids
    assert {r["role"] for r in roles} == {"supplier"} and len(roles) == 4
