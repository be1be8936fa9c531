"""A long text (a 300-page PDF, a long NGO report) is extracted in chunks, one after the other, and the
chunks' findings are merged back into one extraction of the whole text.

Why: extraction's time and memory grow faster than the text (later steps read each sentence against
its document), so one pass reads at most LIMITS.extract_chars; only one chunk's parse is alive at a
time. Chunks are cut at paragraph ends, else line or sentence ends, else spaces, and cover the text
without gap or overlap, so every offset found in a chunk plus the chunk's start is an exact offset of
the whole text and nothing is lost between two chunks.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator

from counterwatch.extract import duplicates
from counterwatch.findings import Entity, Evidence, Extraction, alias_order

BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "; ", " ")  # preferred cut points, best first


def spans(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive chunks of at most `size` characters covering all of `text`: each is
    cut after the best break in its second half (a hard cut only when there is none)."""
    start, n = 0, len(text)
    while n - start > size:
        window_end = start + size
        cut = window_end
        for mark in BREAKS:
            at = text.rfind(mark, start + size // 2, window_end)
            if at >= 0:
                cut = at + len(mark)
                break
        yield start, cut
        start = cut
    if start < n or n == 0:
        yield start, n


def _evidence(ev: Evidence, offset: int) -> Evidence:
    return dataclasses.replace(ev, start=ev.start + offset, end=ev.end + offset)


class Merged:
    """The findings of a text's chunks, shifted to the text's offsets: entities of one name become one,
    deployments told in two chunks are folded as within one chunk, repeated relations kept once."""

    def __init__(self) -> None:
        self.document: dict | None = None
        self.last_publisher: str | None = None
        self.entities: dict[str, Entity] = {}
        self.deployments: list = []
        self.relations: dict[tuple, object] = {}
        self.words = 0
        self.countries: Counter[str] = Counter()

    def country(self) -> str | None:
        """The country the chunks so far are mostly about: a chunk that names none inherits it."""
        return self.countries.most_common(1)[0][0] if self.countries else None

    def add(self, part: Extraction, offset: int) -> None:
        self.document = self.document or part.document
        self.last_publisher = part.document.get("publisher")  # a report's copyright line closes it
        for e in part.entities:
            for m in e.mentions:
                m.start, m.end = m.start + offset, m.end + offset
            if e.type == "place" and e.country:
                self.countries[e.country] += len(e.mentions)
            home = self.entities.get(e.name)
            if home is None:
                self.entities[e.name] = e
                continue
            home.mentions.extend(e.mentions)
            home.aliases = alias_order(set(home.aliases) | set(e.aliases))
            home.country = home.country or e.country
            home.kind = home.kind or e.kind
            home.protected_cue = home.protected_cue or e.protected_cue
        for d in part.deployments:
            d.evidence = [_evidence(ev, offset) for ev in d.evidence]
            self.deployments.append(d)
        for r in part.relations:
            r.evidence = _evidence(r.evidence, offset)
            self.relations.setdefault((r.subject, r.predicate, r.object, r.evidence.start, r.evidence.end), r)
        self.words += part.words

    def result(self, document: dict) -> Extraction:
        """One extraction of the whole text; `document` overrides what the first chunk said of itself
        (its hash and title are the whole text's)."""
        first = self.document or {}
        document = {**first, "publisher": first.get("publisher") or self.last_publisher, **document}
        return Extraction(document=document, entities=list(self.entities.values()),
                          deployments=duplicates.fold(self.deployments), relations=list(self.relations.values()),
                          words=self.words)
