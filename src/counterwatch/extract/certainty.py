"""Certainty of a claim as its source states it: an ordered cascade of cues (data/certainty.yml)."""

from __future__ import annotations

import re
from functools import cache

from counterwatch.data import load


@cache
def _cascade() -> tuple[list[tuple[str, re.Pattern]], str]:
    cfg = load("certainty.yml")
    cascade = [(level, re.compile(r"(?<!\w)(?:" + "|".join(cfg["cues"][level]) + r")(?!\w)", re.I))
               for level in cfg["order"] if level in cfg["cues"]]
    return cascade, cfg["default"]


def classify(sentence: str) -> tuple[str, str | None]:
    """(level, cue) for a sentence; the cue is the matched words, kept as evidence of the level."""
    cascade, default = _cascade()
    for level, pattern in cascade:
        m = pattern.search(sentence)
        if m:
            return level, m.group(0)
    return default, None


@cache
def _status() -> tuple[list[tuple[str, re.Pattern]], str]:
    cfg = load("status.yml")
    return ([(s, re.compile(r"(?<!\w)(?:" + "|".join(cfg["cues"][s]) + r")(?!\w)", re.I)) for s in cfg["order"]],
            cfg["default"])


def status(sentences: list[str]) -> str:
    """The first status of the ordered list whose cue occurs in any of the sentences."""
    cascade, default = _status()
    for name, pattern in cascade:
        if any(pattern.search(s) for s in sentences):
            return name
    return default
