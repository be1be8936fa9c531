"""A unit named with its parent ("Cold Case Unit of the Southern Region Crime Command") is two actors
and the part_of between them: the unit runs the program, the parent is named on its own elsewhere.
Mentions are split before grouping, so each part joins the other mentions of its name; the whole name
stays an alias of the unit (reports and registers also keep it whole)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from counterwatch.data import load
from counterwatch.extract import certainty
from counterwatch.findings import Evidence, Mention, Relation
from counterwatch.names import key

PATTERN = "unit_name"  # Relation.pattern of the part_of a name states; the trained layer keeps it
POSSESSIVE = re.compile(r"['’]s\s+")  # "Shirak Regional Police Department's Operational Duty Unit"


@dataclass(frozen=True)
class Split:
    """One mention cut into unit and parent."""

    whole: str
    unit: Mention
    parent: Mention


@cache
def _rules() -> tuple[re.Pattern, set[str], set[str]]:
    cfg = load("entities.yml")
    joins = sorted(cfg["unit_joins"], key=len, reverse=True)
    join = re.compile(r"\s+(?:" + "|".join(re.escape(j) for j in joins) + r")\s+", re.I)
    return join, {w.lower() for w in cfg["unit_heads"]}, {w.lower() for w in cfg["parent_heads"]}


def _ends_in(words: list[str], heads: set[str]) -> bool:
    return any(" ".join(words[-n:]) in heads for n in (1, 2) if len(words) >= n)


def _qualifies(unit: str, parent: str) -> bool:
    """A unit's name ends in a unit head (two words at least); its parent's holds a parent head."""
    _, units, parents = _rules()
    lw = key(unit).split()
    return len(lw) >= 2 and _ends_in(lw, units) and bool(set(key(parent).split()) & parents)


def _cut(text: str) -> tuple[int, int] | None:
    """(end of unit, start of parent) in `text`, at the first join whose two sides qualify."""
    for m in _rules()[0].finditer(text):
        right = text[m.end():]
        if right[:1].isupper() and _qualifies(text[:m.start()], right):
            return m.start(), m.end()
    return None


def _adjacent(mentions: list[Mention], text: str) -> list[Split]:
    """Unit and parent the parser found as two names side by side ("the Digital Forensics Laboratory"
    | "of the" | "Kotabaru Selatan Resort Police"): the same two actors, and the whole name is theirs."""
    join = _rules()[0]
    orgs = sorted((m for m in mentions if m.label == "organization"), key=lambda m: m.start)
    out = []
    for a, b in zip(orgs, orgs[1:]):
        gap = text[a.end:b.start]
        if 0 < len(gap) <= 12 and join.fullmatch(gap) and _qualifies(a.text, b.text):
            out.append(Split(text[a.start:b.end], a, b))
        elif POSSESSIVE.fullmatch(gap) and _qualifies(b.text, a.text):
            out.append(Split(text[a.start:b.end], b, a))
    return out


def split(mentions: list[Mention], text: str = "") -> tuple[list[Mention], list[Split]]:
    """The mentions with every organization mention that names a unit and its parent cut in two;
    with `text`, also the unit and parent found side by side."""
    out, splits = [], _adjacent(mentions, text) if text else []
    for m in mentions:
        cut = _cut(m.text) if m.label == "organization" and m.end - m.start == len(m.text) else None
        if cut is None:
            out.append(m)
            continue
        unit = Mention(m.start, m.start + cut[0], m.text[:cut[0]], m.label)
        parent = Mention(m.start + cut[1], m.end, m.text[cut[1]:], m.label)
        out += [unit, parent]
        splits.append(Split(m.text, unit, parent))
    return out, splits


def relations(splits: list[Split], sentences: list[tuple[int, int]], text: str,
              index: dict[tuple[int, int], str]) -> list[Relation]:
    """The part_of each split name states, quoting its sentence, between the entities the parts joined."""
    out, seen = [], set()
    for s in splits:
        unit, parent = index.get((s.unit.start, s.unit.end)), index.get((s.parent.start, s.parent.end))
        if not unit or not parent or unit == parent or (unit, parent) in seen:
            continue
        a, b = next(((a, b) for a, b in sentences if a <= s.unit.start < b), (s.unit.start, s.parent.end))
        quote = text[a:b]
        level, cue = certainty.classify(quote)
        seen.add((unit, parent))
        out.append(Relation(unit, "part_of", parent, level, Evidence(a, b, quote, cue), pattern=PATTERN))
    return out


def add_aliases(entities: list, index: dict[tuple[int, int], str], splits: list[Split]) -> None:
    """The whole name is an alias of the unit's entity."""
    by_name = {e.name: e for e in entities}
    for s in splits:
        e = by_name.get(index.get((s.unit.start, s.unit.end), ""))
        if e is not None and s.whole != e.name and s.whole not in e.aliases:
            e.aliases.append(s.whole)
