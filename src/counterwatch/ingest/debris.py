"""Find the article body in plain text that still carries page debris.

Saved pages arrive with menus, share bars, rating widgets, "related articles" and reader comments.
We never edit the text (offsets and quotes must stay exact); we return the spans that are prose of
the article, and extraction reads only those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from counterwatch.data import load

_SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]]\s*$")


@dataclass(frozen=True)
class Segment:
    """One line of the text with its place and what it is."""

    start: int
    end: int
    kind: str  # "prose" | "short" | "debris" | "after_end"


@cache
def _rules() -> tuple[dict, re.Pattern, re.Pattern]:
    cfg = load("debris.yml")
    end = re.compile(r"^\s*(?:" + "|".join(cfg["end_markers"]) + r")\s*$", re.I)
    junk = re.compile(r"^\s*(?:" + "|".join(cfg["debris_lines"]) + r")\s*$", re.I)
    return cfg, end, junk


def segments(text: str) -> list[Segment]:
    """Classify every non-empty line of `text`."""
    cfg, end_re, junk_re = _rules()
    out: list[Segment] = []
    body_words = 0
    cut = False
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        start, end = start + lead, start + lead + len(stripped)
        words = len(stripped.split())
        if cut:
            kind = "after_end"
        elif end_re.match(stripped) and body_words >= cfg["min_body_words_before_cut"]:
            cut, kind = True, "after_end"
        elif junk_re.match(stripped):
            kind = "debris"
        elif words >= cfg["long_line_words"] or (words >= cfg["min_prose_words"] and _SENTENCE_END.search(stripped)):
            kind = "prose"
            body_words += words
        else:
            kind = "short"
        out.append(Segment(start, end, kind))
    return out


def body_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the prose lines of the article, in order."""
    return [(s.start, s.end) for s in segments(text) if s.kind == "prose"]


def title_of(text: str) -> str | None:
    """The first non-debris line, which saved pages and reports open with."""
    for seg in segments(text):
        if seg.kind in ("short", "prose"):
            line = text[seg.start:seg.end]
            if len(line.split()) >= 3:
                return line
    return None
