"""Persons of the fields a page's short lines hold: a ruling's bench ("Bench: Justice A, Justice B"),
a minutes' apologies ("1. Apologies: Cr Peter Dunne."), a tender's contact person, a report's authors.
The parser never reads short lines (menus and headings would fool it), so these are read by shape,
with exact offsets (data/person_fields.yml). On the corpus dev split 26 of 50 missed persons stood
in short lines; bylines among them are left out, as the guidelines leave them out of the body."""

from __future__ import annotations

import re
from functools import cache

from counterwatch.data import load
from counterwatch.findings import Mention

_NUMBER = re.compile(r"\s*\d+(?:\.\d+)*\.?\s+")  # a minutes' item number: "1. Apologies: ..."
_SPLIT = re.compile(r"\s*(?:,|;|&|\|| and | y | e )\s*")
_WORD = re.compile(r"\S+")


@cache
def _vocab() -> dict:
    raw = load("person_fields.yml")
    labels = sorted(raw["labels"], key=len, reverse=True)
    return {"label": re.compile(r"^(?:" + "|".join(map(re.escape, labels)) + r")\s*:\s*", re.I),
            "titles": frozenset(raw["titles"]), "particles": frozenset(raw["name_particles"]),
            "not_names": frozenset(raw["not_names"])}


def mentions(text: str, lines: list[tuple[int, int]]) -> list[Mention]:
    """The persons listed in the fields of the given short lines, with offsets into `text`."""
    out: list[Mention] = []
    for a, b in lines:
        number = _NUMBER.match(text, a, b)
        s = number.end() if number else a
        label = _vocab()["label"].match(text[s:b])
        if label:
            out += _names(text, s + label.end(), b)
    return out


def _names(text: str, s: int, e: int) -> list[Mention]:
    """The names listed from s to e, each without its title; the list ends at the first part that
    is not a name ("Milena Vujović, Head of the Procurement Division, ...")."""
    out, pos = [], s
    for m in [*_SPLIT.finditer(text, s, e), None]:
        name = _person(text, pos, m.start() if m else e)
        if name is None:
            break
        out.append(name)
        if m is None:
            break
        pos = m.end()
    return out


def _person(text: str, s: int, e: int) -> Mention | None:
    v = _vocab()
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, s, e)]
    while words and text[words[0][0]:words[0][1]].lower().rstrip(".") in v["titles"]:
        words = words[1:]
    while words and text[words[-1][0]] == "(":  # "Wang Lijun (team leader)"
        words = words[:-1]
    if words and text[words[-1][1] - 1] in ".;:" and text[words[-1][1] - 2].islower():
        words[-1] = (words[-1][0], words[-1][1] - 1)  # "Cr Peter Dunne." ends the sentence, not the name
    if not 2 <= len(words) <= 5:
        return None
    for k, (a, b) in enumerate(words):
        w = text[a:b]
        if w.lower() in v["not_names"] or any(ch.isdigit() or ch in "@/:()" for ch in w):
            return None
        if w.lower() in v["particles"] and 0 < k < len(words) - 1:
            continue
        if not w[:1].isupper() or (len(w) > 3 and w.isupper()):
            return None
    a, b = words[0][0], words[-1][1]
    return Mention(a, b, text[a:b], "person")
