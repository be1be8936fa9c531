"""Dates in claim sentences, to ISO prefixes ("2017", "2017-03", "2017-03-01")."""

from __future__ import annotations

import re

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MON = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_PATTERNS = [
    (re.compile(_MON + r"\s+(\d{1,2}),?\s+((?:19|20)\d{2})"), ("m", "d", "y")),
    (re.compile(r"(\d{1,2})\s+" + _MON + r",?\s+((?:19|20)\d{2})"), ("d", "m", "y")),
    (re.compile(_MON + r",?\s+((?:19|20)\d{2})"), ("m", "y")),
    (re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b"), ("y", "mn", "d")),
    (re.compile(r"\b(?:since|in|from|starting|began in|launched in|as of)\s+((?:19|20)\d{2})\b", re.I), ("y",)),
]


def find_dates(text: str) -> list[tuple[int, str]]:
    """(offset, iso) for each date in text, earliest offset first."""
    out: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, order in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            parts = dict(zip(order, m.groups()))
            iso = parts["y"]
            month = MONTHS.get((parts.get("m") or "").lower()) or (int(parts["mn"]) if "mn" in parts else None)
            if month:
                iso += f"-{month:02d}"
                if parts.get("d"):
                    iso += f"-{int(parts['d']):02d}"
            taken.append((m.start(), m.end()))
            out.append((m.start(), iso))
    return sorted(out)
