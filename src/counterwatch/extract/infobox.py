"""Fields of register pages (wiki infoboxes such as Security Vision's): 'managed by X',
'Deployment Status Ongoing', 'Information Certainty Documented'. Read from short lines only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counterwatch.findings import Evidence
from counterwatch.register import REGISTER

_STATUSES = "|".join(s for s in REGISTER.statuses if s != REGISTER.default_status)  # a box states a known one
_SEP = r"(?::\s*|\s{2,}|\t\s*)"  # "Operator   X", "Operator: X": a field's label, then its value
_FIELDS = {
    "operator": re.compile(r"^(?:(?:managed|used|operated|run) by\s*|operators?" + _SEP + r")(?P<v>[A-Z].{2,200})$", re.I),
    "status": re.compile(rf"^(?:deployment )?status(?:\s*|{_SEP})(?P<v>{_STATUSES})\b(?:\s*\(.*)?$", re.I),
    "certainty": re.compile(rf"^(?:information certainty\s+|(?:certainty|evidence level){_SEP})(?P<v>{'|'.join(REGISTER.certainties)})\b.*$", re.I),
    "start": re.compile(r"^(?:(?:events\s*)?start \((?P<v>[^,)]+)|(?:start|started|launched|in use since)" + _SEP + r"(?P<w>[^;(]*\d{4}))", re.I),
    "supplier": re.compile(r"^(?:suppliers?|vendors?|developers?|supplied by)" + _SEP + r"(?P<v>[A-Z].{2,200})$", re.I),
    "technology": re.compile(r"^technolog(?:y|ies)" + _SEP + r"(?P<v>.{3,300})$", re.I),
    "country": re.compile(r"^country(?:\s+|" + _SEP + r")(?P<v>[A-Z][\w .'-]{2,40})$", re.I),
    "place": re.compile(r"^(?:city|location)(?:\s+|" + _SEP + r")(?P<v>[A-Z][\w .'-]{2,40}?)(?:\s*[,(].*)?$", re.I),
}
_PARTS = re.compile(r"\s*;\s*")  # "Operator  A (AA); B": each named actor, without its acronym in brackets
_BRACKET = re.compile(r"\s*\([^)]*\)?\s*$")
_ACTORS = ("operator", "supplier")
_SMALL_WORDS = {"of", "the", "and", "for", "de", "del", "la", "y", "do", "da", "du", "des", "und", "in", "on", "at"}


def _named(part: str) -> bool:
    """'Harbour Police of Valdeluna' names an actor; 'Numerous local and state agencies' does not."""
    words = [w for w in part.split() if w.lower() not in _SMALL_WORDS]
    return len(part) > 2 and part[:1].isupper() and sum(w[:1].isupper() for w in words) >= 0.6 * len(words)


@dataclass
class Infobox:
    values: dict[str, list[tuple[str, Evidence]]] = field(default_factory=dict)

    def first(self, name: str) -> tuple[str, Evidence] | None:
        vals = self.values.get(name)
        return vals[0] if vals else None

    def __bool__(self) -> bool:
        return bool(self.values)


def read(text: str, lines: list[tuple[int, int]]) -> Infobox:
    """Parse 'field value' lines; a page needs two or more fields to count as an infobox."""
    box = Infobox()
    for start, end in lines:
        line = text[start:end]
        for name, pattern in _FIELDS.items():
            m = pattern.match(line)
            if m:
                value = (m.group("v") or m.groupdict().get("w") or "").strip()
                parts = [_BRACKET.sub("", p) for p in _PARTS.split(value)] if name in _ACTORS else [value]
                for part in parts:
                    if _named(part) or name not in _ACTORS:
                        box.values.setdefault(name, []).append((part, Evidence(start, end, line)))
                break
    return box if len(box.values) >= 2 else Infobox()
