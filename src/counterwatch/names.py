"""Name normalisation shared by every layer: extraction groups mentions by it, the store resolves
entities by it, readers match a claim's name to an entity by it. One definition, so they agree."""

from __future__ import annotations

import re

_STOP = {"of", "the", "and", "for", "on", "in", "de", "du", "&"}


def key(name: str) -> str:
    """Normalised name for grouping: case, punctuation, leading article and possessive removed."""
    s = re.sub(r"[’'`]s$", "", name.strip())
    s = re.sub(r"[^\w]+", " ", s.lower()).strip()
    return re.sub(r"^the ", "", s)


def acronym(name: str) -> str:
    """'Human Rights Watch' -> 'HRW'; '' for a one-word name."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _STOP]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""
