"""Affiliations a person's title states without naming the body ("Customs director Itzel Batista" in a
report about the National Customs Authority): the title's words, or the bodies its role points to
(data/titles.yml), matched against the report's organizations by word stem."""

from __future__ import annotations

import re
from functools import cache

from counterwatch.data import load

TITLE_WORDS = 6  # words before a name searched for its title
STEM = 5  # letters two words share to count as one ("commissioner" ~ "Commissionerate")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# the title run: words (no sentence punctuation) ending at the name, or an apposition ", " before it
_TAIL = re.compile(r"((?:[^\W\d_][\w'’-]*\s+){1,%d})$|((?:[^\W\d_][\w'’-]*\s+){0,%d}[^\W\d_][\w'’-]*),\s+$" % (TITLE_WORDS, TITLE_WORDS - 1))


@cache
def _vocab() -> tuple[frozenset[str], dict[str, tuple[str, ...]], frozenset[str]]:
    raw = load("titles.yml")
    return (frozenset(raw["roles"]), {k: tuple(v) for k, v in raw["bodies"].items()}, frozenset(raw["stop"]))


def _stems(words) -> set[str]:
    return {w.lower().replace("’", "'").split("'")[0][:STEM] for w in words if len(w) > 2}


def title_before(text: str, sentence_start: int, mention_start: int) -> list[str] | None:
    """The title words right before a name in its sentence, if they hold a role word."""
    m = _TAIL.search(text[max(sentence_start, mention_start - 80):mention_start])
    if m is None:
        return None
    words = _WORD.findall(m.group(1) or m.group(2))
    roles, _, _ = _vocab()
    low = [w.lower() for w in words]
    last = max((k for k, w in enumerate(low) if w in roles), default=-1)
    if last < 0:
        return None
    first = next((k for k in range(last, -1, -1) if low[k] in {"said", "says", "told", "by", "according"}), -1)
    return words[first + 1:last + 1]


def body_of(title: list[str], organizations: list[str]) -> str | None:
    """The organization whose name shares the most stems with the title's non-role words (or with the
    bodies its role points to); None when none shares any, or two bodies share as many."""
    roles, bodies, stop = _vocab()
    low = [w.lower() for w in title]
    want = _stems(w for w in low if w not in roles and w not in stop)
    for w in low:
        want |= _stems(bodies.get(w, ()))
    if not want:
        return None
    scored = {o: len(want & _stems(_WORD.findall(o))) for o in organizations}
    top = max(scored.values(), default=0)
    best = [o for o, n in scored.items() if n == top]
    best = [o for o in best if not any(o != b and o in b for b in best)]  # "Customs" is part of the full name
    return best[0] if top and len(best) == 1 else None
