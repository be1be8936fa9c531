"""How alike two deployments are: a score in 0..1 from shared operators and suppliers (resolved
entities), places, name and start year, with the reasons that made it.

Why these features: a program told by several sources keeps who runs it, who supplies it and where,
while headlines, wording and dates differ; two forces running the same technology in one country are
two deployments (the annotation guidelines), so disjoint operators weigh hardest against. Every weight
is a named constant; the merge threshold is tuned on the corpus's train and dev splits (`make eval`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

SHARED_OPERATOR = 0.45
SHARED_GENERIC_OPERATOR = 0.2  # every shared operator runs deployments in GENERIC_COUNTRIES countries or more
GENERIC_COUNTRIES = 3  # "Ministry of Interior", "National Police": a name many countries' bodies share
OTHER_OPERATORS = -0.6  # both name operators and none is shared
SHARED_SUPPLIER = 0.2
OTHER_SUPPLIERS = -0.05
SHARED_PLACE = 0.25
OTHER_PLACES = -0.1
SAME_TECHNOLOGIES = 0.15  # times the Jaccard overlap of the technologies
NAME = 0.2  # times the names' token-set similarity above NAME_FLOOR
NAME_FLOOR = 0.5
SAME_START = 0.15
FAR_START = -0.1  # start years two or more apart (a conflict to show if merged, not proof of two programs)
BASE = 0.1  # same country and a shared technology: what blocking already asked


@dataclass
class Profile:
    """A live deployment as resolution sees it: the union of its members' claims (rejected ones left out)."""

    id: int
    name: str
    country: str | None
    sources: set[int] = field(default_factory=set)
    technologies: set[str] = field(default_factory=set)
    operators: set[str] = field(default_factory=set)  # actor identities: "e<entity id>" or "n<normalised name>"
    suppliers: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # actor identity -> a name, for the reasons


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _sets(a: Profile, b: Profile, shared_w: float, other_w: float, what: str, attr: str,
          reasons: list[str], generic: frozenset[str] = frozenset(), generic_w: float = 0.0) -> float:
    x, y = getattr(a, attr), getattr(b, attr)
    if not x or not y:
        return 0.0
    common = x & y
    if common:
        names = sorted(a.labels.get(c, c) for c in common)
        if common <= generic:
            reasons.append(f"shared {what} (named in many countries): {', '.join(names[:3])}")
            return generic_w
        reasons.append(f"shared {what}: {', '.join(names[:3])}")
        return shared_w
    reasons.append(f"different {what}")
    return other_w


def score(a: Profile, b: Profile, generic: frozenset[str] = frozenset()) -> tuple[float, list[str]]:
    """Score (0..1, rounded) and the reasons, strongest evidence first; `generic`: operator identities
    that run deployments in many countries, weaker evidence of one program when shared."""
    reasons: list[str] = [f"same country {a.country}", f"technology {', '.join(sorted(a.technologies & b.technologies))}"]
    s = BASE + SAME_TECHNOLOGIES * _jaccard(a.technologies, b.technologies)
    s += _sets(a, b, SHARED_OPERATOR, OTHER_OPERATORS, "operators", "operators", reasons, generic, SHARED_GENERIC_OPERATOR)
    s += _sets(a, b, SHARED_SUPPLIER, OTHER_SUPPLIERS, "suppliers", "suppliers", reasons)
    s += _sets(a, b, SHARED_PLACE, OTHER_PLACES, "places", "places", reasons)
    similar = fuzz.token_set_ratio(a.name.lower(), b.name.lower()) / 100
    if similar > NAME_FLOOR:
        s += NAME * (similar - NAME_FLOOR) / (1 - NAME_FLOOR)
        reasons.append(f"names {similar:.2f} alike")
    if a.years and b.years:
        gap = min(abs(x - y) for x in a.years for y in b.years)
        if gap == 0:
            s += SAME_START
            reasons.append(f"same start {min(a.years & b.years)}")
        elif gap >= 2:
            s += FAR_START
            reasons.append(f"starts {gap} years apart")
    return round(max(0.0, min(1.0, s)), 3), reasons
