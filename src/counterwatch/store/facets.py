"""Search facets as full-text tokens on each claim: the claim's certainty, and for a deployment's
claims the deployment's technology, start year, country and status.

Why: a facet ("technology X", "started in 2019") belongs to the record while a hit is one claim, and
checking the record of every matching claim grew with the register (a common word matches hundreds
of thousands of claims at 100k reports). With the facets as tokens in the full-text index, one index
query intersects the words and the facets. A record's tokens come from all its claims, whatever their
review status, as the facet filters have always counted them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counterwatch.register import REGISTER
from counterwatch.store import schema as t

PREFIX = {name: f.facet for name, f in REGISTER.facets.items()}  # register.yml's facet fields
FIELDS = {name: p for name, p in PREFIX.items() if name != "certainty"}  # a deployment's; the certainty
# token of a claim is its own
_NON_WORD = re.compile(r"\W+")


def token(field: str, value: str) -> str:
    """One index token (the index keeps '_' inside tokens): tech_face_recognition, year_2019, country_ke."""
    value = str(value)[:4] if field == "start" else str(value)
    return f"{PREFIX[field]}_{_NON_WORD.sub('_', value.lower()).strip('_')}"


def tokens(pairs: Iterable[tuple[str, str]]) -> str:
    """A record's facet tokens from its claims' (field, value) pairs."""
    return " ".join(sorted({token(f, v) for f, v in pairs if f in FIELDS and v}))


def column(record_tokens: str, certainty: str) -> str:
    """The facets column of one claim: its record's tokens and its own certainty."""
    return f"{record_tokens} {token('certainty', certainty)}".strip()


def refresh(session: Session, deployment_ids: Iterable[int], chunk: int = 500) -> None:
    """Recompute the facets of these deployments' claims after their claims changed (an edit, an import)."""
    ids = sorted(set(deployment_ids))
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        claims = session.execute(select(t.Claim.id, t.Claim.record_id, t.Claim.field, t.Claim.value, t.Claim.certainty)
                                 .where(t.Claim.record_type == "deployment", t.Claim.record_id.in_(part))).all()
        pairs: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for c in claims:
            pairs[c.record_id].append((c.field, c.value))
        record = {rid: tokens(p) for rid, p in pairs.items()}
        session.execute(update(t.Claim), [{"id": c.id, "facets": column(record[c.record_id], c.certainty)}
                                          for c in claims])
