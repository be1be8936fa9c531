"""Store functions of the workbench on SQLite and PostgreSQL: hand-made claims, bulk review, entity
edits and splits, each one transaction that leaves nothing behind when it fails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counterwatch.ingest.source import Source
from counterwatch.store import schema as t
from counterwatch.store import store_extraction
from counterwatch.store.editing import EditError, add_claim
from counterwatch.store.entities import EntityError, edit, split
from counterwatch.store.resolution import judge
from counterwatch.store.review import ReviewError, history, review_all

TEXT = ("Police in Tallinn deployed facial recognition cameras supplied by Hikvision in 2022.\n"
        "Amnesty Intl and Amnesty International both criticised it. ✊ The deal was suspended in 2023.")


def _count(engine, table) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(table))


@pytest.fixture()
def stored(engine, extractor):
    src = Source(uri="tallinn.txt", text=TEXT)
    store_extraction(engine, src, extractor(src))
    return engine


def _span(needle: str) -> tuple[int, int, str]:
    start = TEXT.index(needle)
    return start, start + len(needle), needle


def test_hand_made_claims_keep_exact_offsets_past_astral_characters(stored):
    start, end, quote = _span("suspended in 2023")  # after "✊", one code point in Python, two in UTF-16
    made = add_claim(stored, "ana", 1, start, end, quote, "reported", "deployment", field="suspension",
                     value="2023", deployment_name="Tallinn cameras")
    with Session(stored) as s:
        claim = s.get(t.Claim, made["claim_id"])
        assert (claim.start, claim.end, claim.quote, claim.status) == (start, end, quote, "accepted")
        assert s.get(t.Source, 1).text[claim.start:claim.end] == claim.quote
        assert "tech_" not in (claim.facets or "") and "cert_reported" in claim.facets
    assert [(h["editor"], h["action"]) for h in history(stored, made["claim_id"])] == [("ana", "create")]


def test_a_refused_claim_stores_nothing(stored):
    claims, deployments, entities = (_count(stored, x) for x in (t.Claim, t.Deployment, t.Entity))
    start, end, quote = _span("Hikvision")
    for kwargs in ({"start": start + 1}, {"quote": "Hikvisio"}, {"end": len(TEXT) + 5}):
        args = {"start": start, "end": end, "quote": quote, **kwargs}
        with pytest.raises(EditError, match="select it again"):
            add_claim(stored, "ana", 1, args["start"], args["end"], args["quote"], "reported", "deployment",
                      field="supplier", value="Hikvision", deployment_name="new one")
    with pytest.raises(EditError, match="no source"):
        add_claim(stored, "ana", 99, start, end, quote, "reported", "entity", entity_type="organization")
    with pytest.raises(EditError, match="alpha-2"):
        add_claim(stored, "ana", 1, start, end, quote, "reported", "deployment", field="country", value="Estonia",
                  deployment_name="new one")
    assert (claims, deployments, entities) == tuple(_count(stored, x) for x in (t.Claim, t.Deployment, t.Entity))


def test_bulk_review_is_one_revision_per_claim(stored):
    with Session(stored) as s:
        proposed = s.scalar(select(func.count()).select_from(t.Claim).where(t.Claim.status == "proposed"))
    with pytest.raises(ReviewError):
        review_all(stored, "edit", "ana", source_id=1)
    done = review_all(stored, "accept", "ana", source_id=1)
    assert len(done) == proposed and _count(stored, t.Revision) == proposed
    assert review_all(stored, "accept", "ana", source_id=1) == []  # nothing proposed is left


def test_edit_then_merge_and_split_restores_claims_and_aliases(stored):
    start, end, quote = _span("Amnesty Intl")
    intl = add_claim(stored, "ana", 1, start, end, quote, "reported", "entity", entity_type="organization")
    with Session(stored) as s:
        full = s.scalar(select(t.Entity.id).where(t.Entity.name == "Amnesty International"))
    assert full is not None and full != intl["record_id"]
    edit(stored, full, "ana", country="gb", aliases=["AI"])
    with pytest.raises(EntityError):
        edit(stored, full, "ana", country="ZZ")
    judge(stored, full, intl["record_id"], "positive", "ana")
    keep, gone = min(full, intl["record_id"]), max(full, intl["record_id"])
    with Session(stored) as s:
        assert s.get(t.Claim, intl["claim_id"]).record_id == keep
    result = split(stored, gone, "ana")
    assert result["claims"] >= 1
    with Session(stored) as s:
        assert s.get(t.Claim, intl["claim_id"]).record_id == intl["record_id"]
        kept = s.get(t.Entity, full)
        assert kept.country == "GB" and sorted(a.name for a in kept.aliases) == ["AI"]
        assert s.get(t.Entity, gone).merged_into is None
        assert s.scalar(select(t.Judgement.judgement).where(t.Judgement.left_id == keep)) == "negative"
    with pytest.raises(EntityError, match="not merged"):
        split(stored, gone, "ana")
