"""Links stated of a program rather than of a named party ("The purchase was financed by a loan from
X", "The cameras were installed by X"): X funds or supplies whoever runs the program. The pair model
cannot see them, as the counterpart is not named in the sentence. Cues are data
(data/program_links.yml); the counterpart is the nearest actor named before the cue in the sentence,
else (the caller's choice) who runs the deployment whose sentences hold it; the report's own work
("This research was funded by X") is its author's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from counterwatch.data import load

MAX_CUE_CHARS = 120  # how far before an actor's name its cue may start
AUTHOR = "<author>"  # the counterpart of a report's own work ("This research was funded by X"): its author


@dataclass(frozen=True)
class Link:
    predicate: str
    cue: re.Pattern
    own_work: re.Pattern
    recipient: str  # "top" or "operator" (data/program_links.yml)


@cache
def links() -> tuple[Link, ...]:
    out = []
    for predicate, raw in load("program_links.yml").items():
        words = "|".join(raw["own_work"])
        out.append(Link(predicate, re.compile(raw["cue"], re.I | re.X),
                        re.compile(rf"\b(?:{words})\b[^.;]*$", re.I), raw["recipient"]))
    return tuple(out)


def stated(text: str, span: tuple[int, int], mentions: list[tuple[int, int, str]],
           is_actor, is_party) -> list[tuple[Link, str, str | None]]:
    """(link, actor, counterpart named before the cue, AUTHOR for the report's own work, or None) for
    each actor a cue of one sentence introduces. `mentions` are the sentence's (start, end, name); `is_actor(name)` says who may fund or
    supply (an organization), `is_party(name)` who may be the counterpart ("Tang, who received funding
    from X": a person too)."""
    out = []
    a, _ = span
    for k, (ms, _, name) in enumerate(mentions):
        if not is_actor(name):
            continue
        lead = text[max(a, ms - MAX_CUE_CHARS):ms]
        for link in links():
            m = link.cue.search(lead)
            if m is None:
                continue
            cue_at = ms - len(lead) + m.start()
            if link.own_work.search(text[a:cue_at]):
                out.append((link, name, AUTHOR))
                break
            prior = [n for _, e, n in mentions[:k] if e <= cue_at and is_party(n) and n != name]
            out.append((link, name, prior[-1] if prior else None))
            break
    return out
