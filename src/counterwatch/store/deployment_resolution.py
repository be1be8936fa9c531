"""Deployment resolution across sources: one register record per program, however many reports tell it.

Candidates are blocked by country and technology (and, where a country's technology is common, by
country, technology and a shared actor or place), scored by store/deployment_scoring.py with reasons,
and judged positive / negative / unsure as entities are: a positive judgement merges (the later record
points at the earlier through `merged_into`; no claim moves), a negative one keeps the pair apart for
good, an unsure one sets it aside. Pairs at or above AUTO_MERGE_SCORE merge after each ingest. A split
undoes a merge and judges the pair negative.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from counterwatch.names import key
from counterwatch.store import audit
from counterwatch.store import schema as t
from counterwatch.store.deployment_scoring import GENERIC_COUNTRIES, Profile, score
from counterwatch.store.survivors import Survivors, load

AUTO_MERGE_SCORE = 0.55  # tuned on the corpus's train and dev splits (make eval): precision first
CANDIDATE_SCORE = 0.35  # below this, a pair is not shown to editors
MAX_BLOCK = 60  # a block larger than this is split by a shared actor or place
JUDGEMENTS = ("positive", "negative", "unsure")
PROFILE_FIELDS = ("technology", "operator", "supplier", "place", "start")


class DeploymentError(ValueError):
    """A judgement or split that cannot be applied (unknown deployment, no merge to split)."""


@dataclass
class Candidate:
    left_id: int
    right_id: int
    left: str
    right: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**self.__dict__, "reason": "; ".join(self.reasons)}


def profiles(session: Session, survivors: Survivors, countries: set[str] | None = None) -> dict[int, Profile]:
    """Stored deployments (all, or those of `countries`: blocking never pairs across countries), each
    with its own claims, actors resolved to their live entities."""
    where = [t.Deployment.country.in_(countries)] if countries is not None else []
    out = {d_id: Profile(d_id, name, country, {source_id}) for d_id, name, country, source_id in session.execute(
        select(t.Deployment.id, t.Deployment.name, t.Deployment.country, t.Deployment.source_id).where(*where))}
    claims = session.execute(select(t.Claim.record_id, t.Claim.field, t.Claim.value, t.Claim.entity_id)
                             .join(t.Deployment, t.Deployment.id == t.Claim.record_id)
                             .where(t.Claim.record_type == "deployment", t.Claim.field.in_(PROFILE_FIELDS),
                                    t.Claim.status != "rejected", *where))
    for rid, fld, value, entity_id in claims:
        p = out[rid]
        if fld == "technology":
            p.technologies.add(value)
        elif fld == "start":
            if value[:4].isdigit():
                p.years.add(int(value[:4]))
        else:
            ident = f"e{survivors.entity(entity_id)}" if entity_id is not None else f"n{key(value)}"
            p.labels.setdefault(ident, value)
            {"operator": p.operators, "supplier": p.suppliers, "place": p.places}[fld].add(ident)
    return out


def generic_operators(session: Session, survivors: Survivors) -> frozenset[str]:
    """Operator identities (live entities) that run deployments in GENERIC_COUNTRIES countries or more."""
    rows = session.execute(select(t.Claim.entity_id, t.Deployment.country)
                           .join(t.Deployment, t.Deployment.id == t.Claim.record_id)
                           .where(t.Claim.record_type == "deployment", t.Claim.field == "operator",
                                  t.Claim.entity_id.isnot(None), t.Deployment.country.isnot(None)).distinct())
    spread: dict[str, set[str]] = defaultdict(set)
    for entity_id, country in rows:
        spread[f"e{survivors.entity(entity_id)}"].add(country)
    return frozenset(i for i, countries in spread.items() if len(countries) >= GENERIC_COUNTRIES)


def _linkage(left: list[Profile], right: list[Profile], generic: frozenset[str]) -> tuple[float, list[str]]:
    """Two records' score: the mean over their members' pairs (average linkage), with the reasons of
    the best pair. Why not one profile per record: a merged record's union of actors and technologies
    shares something with almost anything, and merges snowballed into one record per country."""
    scored = [score(a, b, generic) for a in left for b in right]
    best = max(scored, key=lambda s: s[0])
    mean = round(sum(s for s, _ in scored) / len(scored), 3)
    return mean, best[1] + ([f"mean of {len(scored)} member pairs"] if len(scored) > 1 else [])


def _blocks(profs: dict[int, Profile]) -> set[tuple[int, int]]:
    """Pairs that share a country and a technology; in a crowded block, also an actor or a place."""
    blocks: dict[tuple, set[int]] = defaultdict(set)
    for p in profs.values():
        if not p.country:
            continue
        for tech in p.technologies:
            blocks[(p.country, tech)].add(p.id)
            for ident in p.operators | p.suppliers | p.places:
                blocks[(p.country, tech, ident)].add(p.id)
    pairs = set()
    for block_key, ids in blocks.items():
        if len(ids) <= MAX_BLOCK and (len(block_key) == 2 or len(blocks[block_key[:2]]) > MAX_BLOCK):
            ordered = sorted(ids)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    return pairs


def _judged(session: Session, survivors: Survivors) -> set[tuple[int, int]]:
    """Live pairs with any judgement between their members: never proposed or merged again."""
    out = set()
    for left, right in session.execute(select(t.DeploymentJudgement.left_id, t.DeploymentJudgement.right_id)):
        a, b = survivors.deployment(left), survivors.deployment(right)
        out.add((min(a, b), max(a, b)))
    return out


def candidates(engine: Engine, min_score: float = CANDIDATE_SCORE, involving: set[int] | None = None) -> list[Candidate]:
    """Unjudged pairs of live deployments from different sources that may be one program, best first;
    `involving`: only pairs with one of these (stored) deployments, as after one ingest."""
    with Session(engine) as session:
        survivors = load(session)
        focus = {survivors.deployment(i) for i in involving} if involving is not None else None
        countries = set(session.scalars(select(t.Deployment.country).where(t.Deployment.id.in_(focus)))) \
            if focus is not None else None
        profs = profiles(session, survivors, countries)
        judged = _judged(session, survivors)
        generic = generic_operators(session, survivors)
    members: dict[int, list[Profile]] = defaultdict(list)
    for p in profs.values():
        members[survivors.deployment(p.id)].append(p)
    live_pairs = {tuple(sorted((survivors.deployment(a), survivors.deployment(b)))) for a, b in _blocks(profs)}
    out = []
    for a, b in live_pairs:
        if a == b or (a, b) in judged or focus is not None and not {a, b} & focus or a not in profs or b not in profs:
            continue
        left, right = members[a], members[b]
        if {s for p in left for s in p.sources} & {s for p in right for s in p.sources}:
            continue  # extraction keeps one document's deployments apart on purpose
        s, reasons = _linkage(left, right, generic)
        if s >= min_score:
            out.append(Candidate(a, b, profs[a].name, profs[b].name, s, reasons))
    return sorted(out, key=lambda c: (-c.score, c.left_id, c.right_id))


def judge(engine: Engine, left_id: int, right_id: int, judgement: str, editor: str, score_: float | None = None,
          reason: str | None = None) -> dict:
    """Record a judgement between the live records of two deployments; a positive one merges the later
    into the earlier (the later points at it; claims stay where their sources put them)."""
    if judgement not in JUDGEMENTS:
        raise DeploymentError(f"judgement must be one of {', '.join(JUDGEMENTS)}")
    with Session(engine) as session, session.begin():
        survivors = load(session)
        for i in (left_id, right_id):
            if session.get(t.Deployment, i) is None:
                raise DeploymentError(f"no deployment {i}")
        a, b = sorted((survivors.deployment(left_id), survivors.deployment(right_id)))
        if a == b:
            raise DeploymentError(f"deployments {left_id} and {right_id} are already one record ({a})")
        j = session.scalar(select(t.DeploymentJudgement).where(t.DeploymentJudgement.left_id == a,
                                                               t.DeploymentJudgement.right_id == b))
        if j is None:
            session.add(t.DeploymentJudgement(left_id=a, right_id=b, judgement=judgement, score=score_, reason=reason,
                                              editor=editor))
        else:
            j.judgement, j.editor, j.score, j.reason = judgement, editor, score_, reason
        if judgement == "positive":
            session.get(t.Deployment, b).merged_into = a
        audit.record(session, editor, f"deployment.judgement.{judgement}", f"deployment:{a}~{b}",
                     after={"score": score_, "reason": reason})
        return {"left_id": a, "right_id": b, "judgement": judgement, "record": a if judgement == "positive" else None}


def auto_merge(engine: Engine, involving: set[int] | None = None, threshold: float = AUTO_MERGE_SCORE) -> int:
    """Merge unjudged pairs at or above `threshold`, best first, until none is left; returns how many
    merges were made. A merged record's profile grows, so pairs are scored again after each round."""
    merged = 0
    while True:
        done = set()
        for c in candidates(engine, threshold, involving):
            if done & {c.left_id, c.right_id}:  # one of them changed this round: scored again next round
                continue
            try:
                judge(engine, c.left_id, c.right_id, "positive", "auto", c.score, "; ".join(c.reasons))
            except IntegrityError:  # a concurrent ingest judged this pair first: its judgement stands
                continue
            done |= {c.left_id, c.right_id}
            merged += 1
        if not done:
            return merged


def merge_programs_of(engine: Engine, source_id: int) -> int:
    """After one source is stored: merge its deployments with the programs they clearly continue."""
    with Session(engine) as session:
        mine = set(session.scalars(select(t.Deployment.id).where(t.Deployment.source_id == source_id)))
    return auto_merge(engine, involving=mine) if mine else 0


def merges(engine: Engine) -> list[dict]:
    """Deployments merged into another, newest first: what can be split."""
    with Session(engine) as session:
        gone = session.scalars(select(t.Deployment).where(t.Deployment.merged_into.isnot(None))
                               .order_by(t.Deployment.id.desc())).all()
        names = dict(session.execute(select(t.Deployment.id, t.Deployment.name).where(
            t.Deployment.id.in_({g.merged_into for g in gone}))).all()) if gone else {}
        return [{"id": g.id, "name": g.name, "into_id": g.merged_into, "into": names.get(g.merged_into)} for g in gone]


def split(engine: Engine, deployment_id: int, editor: str) -> dict:
    """Undo the merge of `deployment_id` into another: it is its own record again (with whatever was
    merged into it), and the pair is judged negative so no ingest merges it again."""
    with Session(engine) as session, session.begin():
        gone = session.get(t.Deployment, deployment_id)
        if gone is None or gone.merged_into is None:
            raise DeploymentError(f"deployment {deployment_id} is not merged into another")
        keep, gone.merged_into = gone.merged_into, None
        a, b = min(keep, gone.id), max(keep, gone.id)
        j = session.scalar(select(t.DeploymentJudgement).where(t.DeploymentJudgement.left_id == a,
                                                               t.DeploymentJudgement.right_id == b))
        if j is None:
            session.add(t.DeploymentJudgement(left_id=a, right_id=b, judgement="negative", editor=editor))
        else:
            j.judgement, j.editor = "negative", editor
        audit.record(session, editor, "deployment.split", f"deployment:{a}~{b}", before={"merged_into": keep})
        return {"id": gone.id, "from": keep}
