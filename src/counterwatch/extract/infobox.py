"""Fields of register pages (wiki infoboxes such as Security Vision's): 'managed by X',
'Deployment Status Ongoing', 'Information Certainty Documented'. Read from short lines only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counterwatch.findings import Evidence
from counterwatch.register import REGISTER

_STATUSES = "|".join(s for s in REGISTER.statuses if s != REGISTER.default_status)  # a box states a known one
_FIELDS = {
    "operator": re.compile(r"^(?:managed|used|operated|run) by\s*(?P<v>[A-Z][\w .&'’()-]{2,80})$"),
    "status": re.compile(rf"^(?:deployment )?status\s*(?P<v>{_STATUSES})$", re.I),
    "certainty": re.compile(rf"^information certainty\s+(?P<v>{'|'.join(REGISTER.certainties)})$", re.I),
    "start": re.compile(r"^(?:events\s*)?start \((?P<v>[^,)]+)", re.I),
    "country": re.compile(r"^country\s+(?P<v>[A-Z][\w .'-]{2,40})$"),
    "place": re.compile(r"^city\s+(?P<v>[A-Z][\w .'-]{2,40})$", re.I),
}


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
                box.values.setdefault(name, []).append(
                    (m.group("v").strip(), Evidence(start, end, line)))
                break
    return box if len(box.values) >= 2 else Infobox()
