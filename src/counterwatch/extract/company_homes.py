"""A company named with its home ("Ocula Sensors Co. of South Korea", "Northstar UAV Solutions Ltd.
of Winnipeg") is two mentions: the company, whose name ends in its legal form, and the place. The
parser reads the whole as one organization; the corpus names such a company 24 times."""

from __future__ import annotations

import re
from functools import cache

from counterwatch.data import load
from counterwatch.findings import Mention


@cache
def _pattern() -> re.Pattern:
    forms = sorted(load("entities.yml")["company_endings"], key=len, reverse=True)
    return re.compile(r"^(?P<org>.+?\s(?:" + "|".join(re.escape(f) for f in forms) + r")\.?)\s+of\s+"
                      r"(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})$", re.I)


def split(mentions: list[Mention]) -> list[Mention]:
    """The mentions with each organization 'X Ltd. of Place' cut into X Ltd. and Place."""
    out = []
    for m in mentions:
        hit = _pattern().match(m.text) if m.label == "organization" and m.end - m.start == len(m.text) else None
        if hit is None or not hit.group("place")[:1].isupper():
            out.append(m)
            continue
        org, place = hit.span("org"), hit.span("place")
        out.append(Mention(m.start + org[0], m.start + org[1], hit.group("org"), "organization"))
        out.append(Mention(m.start + place[0], m.start + place[1], hit.group("place"), "place"))
    return out
