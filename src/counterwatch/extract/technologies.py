"""Technology mentions: the synonym lexicon (data/technologies.yml) as compiled patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from counterwatch.data import load


@dataclass(frozen=True)
class TechMention:
    tech: str
    start: int
    end: int
    text: str


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for tech, spec in load("technologies.yml").items():
        for syn in spec["synonyms"]:
            flags = 0 if syn.startswith("=") else re.I
            out.append((tech, re.compile(r"(?<![\w-])(?:" + syn.lstrip("=") + r")(?![\w-])", flags)))
    return out


@cache
def _any() -> re.Pattern:
    """Every synonym in one case-blind pattern: most sentences name no technology, and one search
    rules them out instead of one per synonym."""
    return re.compile("|".join(f"(?:{syn.lstrip('=')})" for spec in load("technologies.yml").values()
                               for syn in spec["synonyms"]), re.I)


def taxonomy() -> list[str]:
    """Every technology id, in the data file's order."""
    return list(load("technologies.yml"))


def label(tech: str) -> str:
    return load("technologies.yml")[tech]["label"]


def find(text: str, offset: int = 0) -> list[TechMention]:
    """All technology mentions in `text`; a span claimed by a longer match is not reused."""
    found: list[TechMention] = []
    if not _any().search(text):
        return found
    for tech, pattern in _patterns():
        for m in pattern.finditer(text):
            found.append(TechMention(tech, offset + m.start(), offset + m.end(), m.group(0)))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    kept: list[TechMention] = []
    for t in found:
        if any(k.start <= t.start and t.end <= k.end and k.tech != t.tech and (k.end - k.start) > (t.end - t.start) for k in kept):
            continue
        kept.append(t)
    return kept
