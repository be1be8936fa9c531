"""Persons of the fields a page's short lines hold: a ruling's bench ("Bench: Justice A, Justice B"),
a minutes' apologies ("1. Apologies: Cr Peter Dunne."), a tender's contact person, a report's authors.
The parser never reads short lines (menus and headings would fool it), so these are read by shape,
with exact offsets (data/person_fields.yml). On the corpus dev split 26 of 50 missed persons stood
in short lines; bylines among them are left out, as the guidelines leave them out of the body.
The rest of a person's field names the body they belong to ("Invitee: Shri V. Bhosale, Deputy
Commissioner, Kesarpur Police Commissionerate"); a report's authors belong to its author."""

from __future__ import annotations

import re
from functools import cache

from counterwatch.data import load
from counterwatch.extract import certainty
from counterwatch.findings import Evidence, Mention, Relation

PATTERN = "person_field"  # Relation.pattern of an affiliation a field states; the trained layer keeps it

_NUMBER = re.compile(r"\s*\d+(?:\.\d+)*\.?\s+")  # a minutes' item number: "1. Apologies: ..."
_SPLIT = re.compile(r"\s*(?:,|;|&|\|| and | y | e )\s*")
_WORD = re.compile(r"\S+")


@cache
def _vocab() -> dict:
    raw = load("person_fields.yml")
    labels = sorted(raw["labels"], key=len, reverse=True)
    return {"label": re.compile(r"^(?:" + "|".join(map(re.escape, labels)) + r")\s*:\s*", re.I),
            "titles": frozenset(raw["titles"]), "particles": frozenset(raw["name_particles"]),
            "not_names": frozenset(raw["not_names"]), "authors": frozenset(raw["author_labels"])}


def mentions(text: str, lines: list[tuple[int, int]]) -> list[Mention]:
    """The persons listed in the fields of the given short lines, with offsets into `text`."""
    return [m for _, _, persons in _fields(text, lines) for m in persons]


def _fields(text: str, lines: list[tuple[int, int]]) -> list[tuple[str, tuple[int, int], list[Mention]]]:
    """(label, line, persons listed) of each short line that is a field of persons."""
    out = []
    for a, b in lines:
        number = _NUMBER.match(text, a, b)
        s = number.end() if number else a
        label = _vocab()["label"].match(text[s:b])
        if label:
            out.append((label.group(0).split(":")[0].strip().lower(), (a, b), _names(text, s + label.end(), b)))
    return out


def relations(text: str, lines: list[tuple[int, int]], index: dict[tuple[int, int], str],
              orgs: dict[str, list[str]], author: str | None) -> list[Relation]:
    """Each listed person affiliated_with the organization named in the rest of their field (up to
    the next person), or, in an authors' field, with the report's `author`; the line is the quote.
    `orgs` maps each organization to its names (its name and aliases)."""
    names = sorted(((n, org) for org, ns in orgs.items() for n in ns), key=lambda x: -len(x[0]))
    out = []
    for label, (a, b), persons in _fields(text, lines):
        for k, p in enumerate(persons):
            person = index.get((p.start, p.end))
            if person is None:
                continue
            end = persons[k + 1].start if k + 1 < len(persons) else b
            rest = text[p.end:end].split(";", 1)[0]
            body = next((org for n, org in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", rest)), None)
            body = body or (author if label in _vocab()["authors"] else None)
            if body is not None and body != person:
                quote = text[a:b]
                level, cue = certainty.classify(quote)
                out.append(Relation(person, "affiliated_with", body, level, Evidence(a, b, quote, cue), pattern=PATTERN))
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
    paren = next((k for k, (a, _) in enumerate(words) if text[a] == "("), None)
    words = words[:paren]  # "Wang Lijun (team leader)", "Kirsty Olsen (Community Services Manager)"
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
