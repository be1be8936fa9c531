"""Relations between entities (supplies, funds, affiliated_with, collaborates_with, part_of) from
patterns over the words between two mentions in one sentence (data/relations.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from counterwatch.data import load
from counterwatch.extract import certainty
from counterwatch.findings import Entity, Evidence, Relation

MAX_GAP_MENTIONS = 3  # how many mentions apart two ends of a relation may stand


@dataclass(frozen=True)
class Rule:
    predicate: str
    types: tuple[str, str]
    direction: str
    between: re.Pattern
    before: re.Pattern | None
    after: re.Pattern | None
    carry_subject: bool
    index: int


@cache
def _rules() -> list[Rule]:
    def rx(p: str | None) -> re.Pattern | None:
        return re.compile(re.sub(r"\n\s*", "", p), re.I) if p else None
    return [Rule(r["predicate"], tuple(r["types"]), r["direction"], rx(r["between"]), rx(r.get("context_before")),
                 rx(r.get("context_after")), bool(r.get("carry_subject")), i)
            for i, r in enumerate(load("relations.yml"))]


def _fits(want: str, have: str) -> bool:
    return want == "any" and have != "place" or want == have


def find(sentences: list[tuple[int, int]], text: str, index: dict[tuple[int, int], str],
         entities: dict[str, Entity]) -> list[Relation]:
    """Relations stated in the given sentence spans of `text`."""
    found: list[Relation] = []
    spans = sorted(index.items())
    for s_start, s_end in sentences:
        ms = [(a, b, name) for (a, b), name in spans if s_start <= a and b <= s_end]
        quote = text[s_start:s_end]
        level, cue = certainty.classify(quote)
        last_affiliation: dict[str, str] = {}
        for i, (a1, b1, n1) in enumerate(ms):
            for a2, b2, n2 in ms[i + 1:i + 1 + MAX_GAP_MENTIONS]:
                if n1 == n2 or a2 < b1:
                    continue
                between = text[b1:a2].replace("\n", " ")  # wrapped lines read as one
                for rule in _rules():
                    subj, obj = (n1, n2) if rule.direction == "forward" else (n2, n1)
                    if rule.carry_subject:
                        subj = last_affiliation.get(n1)
                        if subj is None:
                            continue
                    elif not (_fits(rule.types[0], entities[subj].type) and _fits(rule.types[1], entities[obj].type)):
                        continue
                    if not rule.between.fullmatch(between):
                        continue
                    if rule.before and not rule.before.search(text[s_start:a1].replace("\n", " ")):
                        continue
                    if rule.after and not rule.after.match(text[b2:s_end].replace("\n", " ")):
                        continue
                    if rule.predicate == "affiliated_with":
                        last_affiliation[obj] = subj
                    found.append(Relation(subj, rule.predicate, obj, level, Evidence(s_start, s_end, quote, cue),
                                          pattern=f"relations.yml#{rule.index}"))
                    break
    return _dedupe(found)


def _dedupe(relations: list[Relation]) -> list[Relation]:
    seen, out = set(), []
    for r in relations:
        k = (r.subject, r.predicate, r.object)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out
