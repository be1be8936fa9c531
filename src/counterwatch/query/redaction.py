"""Redaction of protected persons: by name boundaries, case-insensitive, offsets kept.

A protected person's name, each part of it and each alias match as whole words only ("Berg" hides in
"Anna Berg" and "BERG's", never in "Bergen"), across line breaks and whatever the case. A string that is
nothing but a protected name becomes PROTECTED; inside a longer text the match is masked by as many
MASK characters as it has, so every offset into the text (a claim's start/end, a highlighted piece)
still points at the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PROTECTED = "[protected person]"
MASK = "█"
MIN_PART = 2  # a one-letter initial is not a name
PIECES = {"text"}  # keys whose strings are cut from a source text (offsets must stay true)


@dataclass(frozen=True)
class Redactor:
    pattern: re.Pattern | None

    @classmethod
    def of(cls, names: Iterable[str]) -> Redactor:
        """A redactor hiding every name, its parts and (the caller passes them) its aliases."""
        forms = set()
        for name in names:
            words = name.split()
            if words:
                forms.add(r"\s+".join(re.escape(w) for w in words))
                forms |= {re.escape(w) for w in words if len(w.strip(".")) >= MIN_PART}
        if not forms:
            return cls(None)
        alternatives = "|".join(sorted(forms, key=len, reverse=True))
        return cls(re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE))

    def __bool__(self) -> bool:
        return self.pattern is not None

    def text(self, value: str | None, keep: str = "", whole: bool = True) -> str | None:
        """`value` with every protected name masked; a bare name becomes PROTECTED unless `whole` is
        false (a piece of a longer text, whose length must not change). Matches that lie inside `keep`
        (what the visitor typed themself, echoed back) stay as they are."""
        if not value or self.pattern is None:
            return value
        if whole and self.pattern.fullmatch(value.strip()) and not _inside(value.strip(), keep):
            return PROTECTED
        return self.pattern.sub(lambda m: m.group(0) if _inside(m.group(0), keep) else MASK * len(m.group(0)), value)

    def names(self, value: str) -> bool:
        """Whether `value` holds a protected name (or part of one) as a word."""
        return bool(self.pattern and self.pattern.search(value))

    def scrub(self, data, whole: bool = True):
        """Every string in a JSON-like structure redacted, keys kept; values under PIECES keys are
        pieces of a text and keep their length."""
        if self.pattern is None:
            return data
        if isinstance(data, str):
            return self.text(data, whole=whole)
        if isinstance(data, dict):
            return {k: self.scrub(v, whole and k not in PIECES) for k, v in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.scrub(v, whole) for v in data]
        return data


def _inside(match: str, keep: str) -> bool:
    return bool(keep) and match.casefold() in keep.casefold()


NONE = Redactor(None)
