"""Entity resolution across sources: blocked candidate pairs, fuzzy scores with explanations, and
judgements (positive / negative / unsure) that every later ingest respects.

Blocking: two entities are compared only if they share a name token that few entities have, or one
name is the other's acronym, so the work grows with the number of plausible pairs, not all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from counterwatch.names import acronym as _acronym
from counterwatch.store import audit
from counterwatch.store import schema as t

AUTO_MERGE_SCORE = 0.95  # above this, names are merged without asking (unless judged negative)
CANDIDATE_SCORE = 0.70  # below this, a pair is not shown to editors
MAX_BLOCK = 50  # a token shared by more entities than this is too common to block on
JUDGEMENTS = ("positive", "negative", "unsure")


@dataclass
class Candidate:
    left_id: int
    right_id: int
    left: str
    right: str
    score: float
    reason: str


def _names(e: t.Entity) -> list[str]:
    return [e.name, *(a.name for a in e.aliases)]


def score(a: list[str], b: list[str]) -> tuple[float, str]:
    """Best similarity between two name lists (0..1) and why."""
    best, why = 0.0, ""
    for x in a:
        for y in b:
            if x.replace(".", "").isupper() and _acronym(y) == x.replace(".", "") or \
                    y.replace(".", "").isupper() and _acronym(x) == y.replace(".", ""):
                return 1.0, f"acronym {x!r} = {y!r}"
            s = fuzz.token_sort_ratio(x.lower(), y.lower()) / 100
            if s > best:
                best, why = s, f"token_sort_ratio({x!r}, {y!r})"
    return best, why


def candidates(engine: Engine, min_score: float = CANDIDATE_SCORE) -> list[Candidate]:
    """Unjudged pairs of live entities of the same type that may be the same, best first."""
    with Session(engine) as session:
        live = session.scalars(select(t.Entity).where(t.Entity.merged_into.is_(None))
                               .options(selectinload(t.Entity.aliases))).all()
        judged = {(j.left_id, j.right_id) for j in session.scalars(select(t.Judgement))}
        blocks: dict[tuple[str, str], set[int]] = defaultdict(set)
        by_id = {e.id: e for e in live}
        for e in live:
            for name in _names(e):
                for tok in {w.lower() for w in name.replace(".", "").split() if len(w) > 2} | {_acronym(name)}:
                    if tok:
                        blocks[(e.type, tok.lower())].add(e.id)
        pairs = {(a, b) for ids in blocks.values() if len(ids) <= MAX_BLOCK
                 for a in ids for b in ids if a < b}
        out = []
        for a, b in pairs:
            if (a, b) in judged:
                continue
            s, why = score(_names(by_id[a]), _names(by_id[b]))
            if s >= min_score:
                out.append(Candidate(a, b, by_id[a].name, by_id[b].name, round(s, 3), why))
        return sorted(out, key=lambda c: -c.score)


def judge(engine: Engine, left_id: int, right_id: int, judgement: str, editor: str, score_: float | None = None) -> None:
    """Record a judgement; a positive one merges right into left (claims, relations, aliases move)."""
    if judgement not in JUDGEMENTS:
        raise ValueError(f"judgement must be one of {JUDGEMENTS}")
    left_id, right_id = min(left_id, right_id), max(left_id, right_id)
    with Session(engine) as session, session.begin():
        j = session.scalar(select(t.Judgement).where(t.Judgement.left_id == left_id, t.Judgement.right_id == right_id))
        if j is None:
            j = t.Judgement(left_id=left_id, right_id=right_id, judgement=judgement, score=score_, editor=editor)
            session.add(j)
        else:
            j.judgement, j.editor = judgement, editor
        moved = _merge(session, left_id, right_id) if judgement == "positive" else None
        audit.record(session, editor, f"judgement.{judgement}", f"entity:{left_id}~{right_id}",
                     after={"score": score_, **({"moved": moved} if moved else {})})


def _merge(session: Session, keep: int, gone: int) -> dict:
    """Merge `gone` into `keep`; returns what moved (claims, relation ends, aliases), which a split undoes."""
    keeper, other = session.get(t.Entity, keep), session.get(t.Entity, gone)
    have = {a.key for a in keeper.aliases} | {keeper.key}
    aliases = []
    for name, key in [(other.name, other.key), *((a.name, a.key) for a in other.aliases)]:
        if key not in have:
            keeper.aliases.append(t.Alias(name=name, key=key))
            have.add(key)
            aliases.append(key)
    claims = session.scalars(select(t.Claim.id).where(t.Claim.record_type == "entity", t.Claim.record_id == gone)).all()
    subjects = session.scalars(select(t.Relation.id).where(t.Relation.subject_id == gone)).all()
    objects = session.scalars(select(t.Relation.id).where(t.Relation.object_id == gone)).all()
    session.execute(update(t.Claim).where(t.Claim.record_type == "entity", t.Claim.record_id == gone)
                    .values(record_id=keep))
    session.execute(update(t.Relation).where(t.Relation.subject_id == gone).values(subject_id=keep))
    session.execute(update(t.Relation).where(t.Relation.object_id == gone).values(object_id=keep))
    other.merged_into = keep
    return {"claims": list(claims), "subjects": list(subjects), "objects": list(objects), "aliases": aliases}


def auto_merge(engine: Engine) -> int:
    """Merge every unjudged pair at or above AUTO_MERGE_SCORE; return how many merges were made."""
    merged = 0
    for c in candidates(engine, AUTO_MERGE_SCORE):
        with Session(engine) as session:
            gone = session.scalar(select(t.Entity.id).where(or_(t.Entity.id == c.left_id, t.Entity.id == c.right_id),
                                                            t.Entity.merged_into.isnot(None)))
        if gone is None:
            try:
                judge(engine, c.left_id, c.right_id, "positive", "auto", c.score)
            except IntegrityError:  # a concurrent ingest judged this pair first: its merge stands
                continue
            merged += 1
    return merged


def canonical(session: Session, entity_id: int) -> int:
    """Follow merges to the entity that stands for this one now."""
    seen = set()
    while entity_id not in seen:
        seen.add(entity_id)
        nxt = session.scalar(select(t.Entity.merged_into).where(t.Entity.id == entity_id))
        if nxt is None:
            return entity_id
        entity_id = nxt
    return entity_id
