"""Definite descriptions that name an organization again ("the bureau", "the municipality's
security unit"): a mention of the latest organization named before them whose name holds the noun.

Reports name an actor once in full and then by its kind; relations and roles are stated in those
later sentences ("The drones are operated by the municipality's security unit"). Measured on the
corpus dev split, see the commit that added this module.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from counterwatch.data import load
from counterwatch.findings import Entity

_COMPANY_FORM = re.compile(r"\b(?:Inc|Ltd|LLC|GmbH|S\.?A|S\.?L|SpA|AB|AG|Co|Corp|Pte|Pty|B\.?V|Oy|plc|Technologies|Systems|Solutions)\b\.?")


@cache
def _pattern() -> tuple[re.Pattern, dict[str, str], int]:
    cfg = load("coreference.yml")
    heads = sorted(set(cfg["heads"]) | {n for ns in cfg["kinds"].values() for n in ns}, key=len, reverse=True)
    kind_of = {n: kind for kind, ns in cfg["kinds"].items() for n in ns}
    rx = re.compile(r"\b[Tt]he (" + "|".join(map(re.escape, heads)) + r")\b(?!s\b|-)(?! of\b)(?! [A-Z])")
    return rx, kind_of, cfg["max_sentences_back"]


def _fits(e: Entity, noun: str, kind_of: dict[str, str]) -> bool:
    """The noun is a word of the name ("Norrhamn Municipality", typed a place or not), or names the
    organization's kind ("the company" for a name with a company form)."""
    if e.type == "person":
        return False
    words = {w.lower() for n in (e.name, *e.aliases) for w in re.findall(r"[\w-]+", n)}
    if noun in words:
        return True
    return e.type == "organization" and kind_of.get(noun) == "company" and (e.kind == "vendor" or bool(_COMPANY_FORM.search(e.name)))


def resolve(text: str, spans: list[tuple[int, int]], entities: dict[str, Entity],
            index: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """(start, end) of each noun naming an organization again -> that organization's name."""
    rx, kind_of, back = _pattern()
    named = sorted(index.items())
    starts = [a for a, _ in spans]
    taken = [(a, b) for (a, b), _ in named]
    out: dict[tuple[int, int], str] = {}
    for m in rx.finditer(text):
        a, b = m.start(1), m.end(1)
        if any(x < b and a < y for x, y in taken):  # part of a name already found
            continue
        i = bisect_right(starts, a) - 1
        if i < 0 or a >= spans[i][1]:
            continue  # not in a parsed sentence
        floor = spans[max(0, i - back)][0]
        noun = m.group(1).lower()
        for (x, y), name in reversed(named):
            if y > a:
                continue
            if x < floor:
                break
            e = entities.get(name)
            if e is not None and _fits(e, noun, kind_of):
                out[(a, b)] = name
                break
    return out
