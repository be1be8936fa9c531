"""Funding stated of a program rather than of a named recipient ("The purchase was financed by a loan
from X"): X funds whoever runs the program. The pair model cannot see it, as the recipient is not
named in the sentence. Cues are data (data/funding.yml); the recipient is the nearest actor named
before the cue in the sentence, else the operator of the deployment whose sentences hold it."""

from __future__ import annotations

import re
from functools import cache

from counterwatch.data import load

MAX_CUE_CHARS = 120  # how far before a funder's name its cue may start


@cache
def _cue() -> re.Pattern:
    return re.compile(load("funding.yml")["cue"], re.I | re.X)


@cache
def _own_work() -> re.Pattern:
    words = "|".join(load("funding.yml")["own_work"])
    return re.compile(rf"\b(?:{words})\b[^.;]*$", re.I)


def funded(text: str, span: tuple[int, int], mentions: list[tuple[int, int, str]],
           is_actor) -> list[tuple[str, str | None]]:
    """(funder, recipient named before the cue or None) for each funder a sentence's cue introduces.
    `mentions` are the sentence's (start, end, name); `is_actor(name)` says which may fund or receive."""
    out = []
    a, _ = span
    for k, (ms, _, name) in enumerate(mentions):
        if not is_actor(name):
            continue
        lead = text[max(a, ms - MAX_CUE_CHARS):ms]
        m = _cue().search(lead)
        if m is None:
            continue
        cue_at = ms - len(lead) + m.start()
        before = text[a:cue_at]
        if _own_work().search(before):
            continue
        prior = [n for s, e, n in mentions[:k] if e <= cue_at and is_actor(n) and n != name]
        out.append((name, prior[-1] if prior else None))
    return out
