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
# "Operator        Harbour Police": a register page's field, a label of a few words set off by a column gap
_FIELD = re.compile(r"^(?:[A-Za-z]+ ){0,3}[A-Za-z]+(?: {2,}|\t)\S")
MAX_FIELD_WORDS = 30


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


def lines(text: str):
    """(start, end, stripped line) of every non-empty line."""
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            yield start + lead, start + lead + len(stripped), stripped


def _paragraphs(text: str, junk_re: re.Pattern, end_re: re.Pattern, min_words: int):
    """Join hard-wrapped lines (PDF text layers, e-mailed reports) back into paragraphs: a line
    continues the previous one when that one is adjacent, long enough and ends mid-sentence."""
    para: list[int] | None = None
    prev_end = -2
    for start, end, line in lines(text):
        special = bool(junk_re.match(line) or end_re.match(line) or _is_field(line))
        adjacent = "\n\n" not in text[prev_end:start] if para else False
        if (para and adjacent and not special and not para[2]
                and len(text[para[0]:para[1]].split("\n")[-1].split()) >= min_words
                and not _SENTENCE_END.search(text[para[0]:para[1]])):
            para[1] = end
        else:
            if para:
                yield para[0], para[1]
            para = [start, end, special]
        prev_end = end
    if para:
        yield para[0], para[1]


def _is_field(line: str) -> bool:
    return bool(_FIELD.match(line)) and len(line.split()) <= MAX_FIELD_WORDS


def segments(text: str) -> list[Segment]:
    """Classify every paragraph (a line, or hard-wrapped lines joined) of `text`."""
    cfg, end_re, junk_re = _rules()
    out: list[Segment] = []
    body_words = 0
    cut = False
    for start, end in _paragraphs(text, junk_re, end_re, cfg["min_prose_words"]):
        stripped = text[start:end]
        words = len(stripped.split())
        if cut:
            kind = "after_end"
        elif end_re.match(stripped) and body_words >= cfg["min_body_words_before_cut"]:
            cut, kind = True, "after_end"
        elif junk_re.match(stripped):
            kind = "debris"
        elif _is_field(stripped):
            kind = "short"  # read as a field (extract/infobox.py), not parsed as prose
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
