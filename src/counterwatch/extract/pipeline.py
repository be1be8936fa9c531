"""From a source to evidence-linked records: body -> parse -> entities -> deployments -> relations."""

from __future__ import annotations

import re
from collections import Counter

from pathlib import Path

from counterwatch.extract import chunks, company_homes, coreference, country_cues, dates, deployments, duplicates, entities as ents, infobox, person_fields, places, relations, technologies, unit_names
from counterwatch.extract.features import Context
from counterwatch.extract.learned import Refiner, default_model_dir
from counterwatch.extract.nlp import load_nlp
from counterwatch.findings import Extraction, Mention
from counterwatch.ingest.debris import segments, title_of
from counterwatch.ingest.source import Source
from counterwatch.limits import LIMITS

BATCH_SIZE = 64
CHUNK_CHARS: int = LIMITS.extract_chars  # one pass reads at most this; a longer text is cut (extract/chunks.py)
MAX_BLOCK_CHARS: int = LIMITS.extract_block_chars  # later steps read each sentence against its whole block:
# giant one-line "paragraphs" made that quadratic (100 kB took 34 s at 20,000 chars, 15 s at 2,000)
HEADER_LINES = 15  # lines at the top searched for the publication date and publisher
_PUBLISHER = [re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<v>[A-Z][\w .,&'-]{1,60}?)(?:,? Inc\.?|,? Ltd\.?)?\.?(?:\s+All rights reserved.*)?$", re.I),
              re.compile(r"^From (?P<v>[A-Z][\w .&'-]{1,60})$")]


_DEFAULT = object()


class Extractor:
    """Holds the loaded models: build one per run, call it for every source.

    `model_dir` is the trained layer's folder (default: COUNTERWATCH_MODEL or the shipped one);
    None runs the rule pass alone. `ner` is a fine-tuned ner component's folder: by default the
    model folder's `ner/` if it has one, else the stock model's.
    """

    def __init__(self, model_dir: Path | None | object = _DEFAULT, ner: Path | None | object = _DEFAULT) -> None:
        folder = default_model_dir() if model_dir is _DEFAULT else model_dir
        if ner is _DEFAULT:
            ner = folder / "ner" if folder is not None and (folder / "ner").is_dir() else None
        self.nlp = load_nlp(ner)
        self.refiner = Refiner.load(folder) if folder is not None else None

    def __call__(self, source: Source) -> Extraction:
        return self.extract(source)

    def extract(self, source: Source) -> Extraction:
        return self.extract_batch([source])[0]

    def extract_batch(self, sources: list[Source]) -> list[Extraction]:
        """Extract several sources with one pass of the model over all their paragraphs: larger
        batches keep the model's matrix products busy (~7% faster than one source at a time). A text
        longer than CHUNK_CHARS is extracted chunk by chunk on its own."""
        done = iter([x for x, _ in self.contexts([s for s in sources if len(s.text) <= CHUNK_CHARS])])
        return [next(done) if len(s.text) <= CHUNK_CHARS else self.extract_long(s) for s in sources]

    def extract_long(self, source: Source) -> Extraction:
        """A long text in chunks of at most CHUNK_CHARS, one parse alive at a time, merged with the
        chunks' offsets shifted to the whole text's."""
        merged = chunks.Merged()
        for start, end in chunks.spans(source.text, CHUNK_CHARS):
            part = Source(uri=source.uri, text=source.text[start:end], media_type=source.media_type,
                          title=source.title, published=(merged.document or {}).get("published") or source.published,
                          publisher=source.publisher, author=source.author)
            (found, _), = self.contexts([part], country=merged.country())
            merged.add(found, start)
        return merged.result({"sha256": source.sha256})

    def contexts(self, sources: list[Source], country: str | None = None) -> list[tuple[Extraction, Context]]:
        """Each source's extraction with the context the trained layer read (training reads it too).
        `country` is the one a source that names none is about (the earlier chunks' country)."""
        segs = [segments(s.text) for s in sources]
        prose = [[piece for seg in ss if seg.kind == "prose" for piece in _pieces(src.text, seg.start, seg.end)]
                 for src, ss in zip(sources, segs)]
        texts = (src.text[a:b] for src, pieces in zip(sources, prose) for a, b in pieces)
        parsed = iter(self.nlp.pipe(texts, batch_size=BATCH_SIZE))
        out = []
        for src, ss, pieces in zip(sources, segs, prose):
            blocks = [ents.Block(next(parsed), start) for start, _ in pieces]
            out.append(self._finish(src, ss, blocks, country))
        return out

    def _finish(self, source: Source, segs: list, blocks: list[ents.Block],
                country: str | None = None) -> tuple[Extraction, Context]:
        text = source.text
        short = [(s.start, s.end) for s in segs if s.kind == "short"]
        box = infobox.read(text, short)
        found = company_homes.split(ents.raw_mentions(blocks)) + _infobox_mentions(box) + person_fields.mentions(text, short)
        mentions, splits = unit_names.split(found, text)
        entity_list, index = ents.group(mentions, text)
        unit_names.add_aliases(entity_list, index, splits)
        header = [cue for a, b in short for cue in country_cues.line_cues(text, a, b)]
        doc_country = _document_country(blocks, entity_list, box, header) or country
        ents.fill_unknown_countries(entity_list, doc_country)
        by_name = {e.name: e for e in entity_list}
        sents = [(s, b.offset) for b in blocks for s in b.doc.sents]
        cands = deployments.candidates(sents, text, index, by_name, doc_country)
        deps = deployments.build(cands)
        sent_spans = [(off + s.start_char, off + s.end_char) for s, off in sents]
        rels = relations.find(sent_spans, text, index, by_name) + unit_names.relations(splits, sent_spans, text, index)
        index = {**index, **coreference.resolve(text, sent_spans, by_name, index)}  # for the trained layer
        document = _document(source, segs)
        ctx = Context(text, sents, by_name, index, deps, rels, document.get("published"), header=header)
        orgs = {n: [n, *e.aliases] for n, e in by_name.items() if e.type == "organization"}
        ctx.relations += person_fields.relations(text, short, index, orgs, ctx.author())
        if self.refiner is not None:
            self.refiner.refine(ctx)
        if box and ctx.deployments:  # after the models: a register page's fields are no guesses
            _apply_infobox(ctx.deployments, box, by_name)
            ctx.dropped -= set(ctx.deployments[0].operators)
        kept = [e for e in entity_list if e.name not in ctx.dropped]
        return Extraction(document=document, entities=kept, deployments=duplicates.fold(ctx.deployments),
                          relations=ctx.relations, words=len(text.split())), ctx


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long paragraph at sentence ends (or spaces) into parser-sized pieces."""
    out = []
    while end - start > MAX_BLOCK_CHARS:
        window = text[start:start + MAX_BLOCK_CHARS]
        cut = max(window.rfind(". "), window.rfind("\n"))
        cut = cut + 1 if cut > MAX_BLOCK_CHARS // 2 else (window.rfind(" ") if window.rfind(" ") > 0 else MAX_BLOCK_CHARS)
        out.append((start, start + cut))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def _infobox_mentions(box: infobox.Infobox) -> list[Mention]:
    out = []
    for value, ev in [*box.values.get("operator", []), *box.values.get("supplier", [])]:
        start = ev.start + ev.quote.index(value)
        out.append(Mention(start, start + len(value), value, "organization"))
    for name in ("place", "country"):
        for value, ev in box.values.get(name, []):
            if places.country_of(value):
                start = ev.start + ev.quote.index(value)
                out.append(Mention(start, start + len(value), value, "place"))
    return out


def _apply_infobox(deps: list, box: infobox.Infobox, by_name: dict) -> None:
    """A register page states status, certainty and operators as fields: they override guesses. Its
    country is every deployment's (a supplier's country beside it is not where the program runs)."""
    got = box.first("country")
    if got and places.country_of(got[0]):
        for d in deps:
            d.country = places.country_of(got[0])
    dep = deps[0]
    for field, held in (("operator", dep.operators), ("supplier", dep.suppliers)):
        for value, ev in box.values.get(field, []):
            name = next((n for n, e in by_name.items() if value == n or value in e.aliases), value)
            if name not in dep.operators and name not in held:
                held.append(name)
            dep.evidence.append(ev)
    had = {t for d in deps for t in d.technologies}
    for value, ev in box.values.get("technology", []):
        new = [t.tech for t in technologies.find(value) if t.tech not in had]
        dep.technologies.extend(dict.fromkeys(new))
        had.update(new)
    for fld in ("status", "certainty"):
        got = box.first(fld)
        if got:
            setattr(dep, fld, got[0].lower())
            dep.evidence.append(got[1])
    got = box.first("start")
    if got:
        found = dates.find_dates(got[0])
        if found:
            dep.start = found[0][1]
            dep.evidence.append(got[1])


def _document_country(blocks, entity_list, box, header: list) -> str | None:
    """The country the report is mostly about: place mentions and demonyms in the body, and the
    hints of the lines no parser reads (a masthead's "Swedish court decisions", a tender's currency)."""
    votes: Counter[str] = Counter()
    for cue in header:
        votes[cue.country] += cue.weight
    for e in entity_list:
        if e.type == "place" and e.country:
            votes[e.country] += len(e.mentions)
    for b in blocks:
        for ent in b.doc.ents:
            if ent.label_ == "NORP":
                c = places.country_of_demonym(ent.text)
                if c:
                    votes[c] += 1
    got = box.first("country") if box else None
    if got and places.country_of(got[0]):
        votes[places.country_of(got[0])] += 100
    return votes.most_common(1)[0][0] if votes else None


def _document(source: Source, segs) -> dict:
    text = source.text
    header = [text[s.start:s.end] for s in segs[:HEADER_LINES]]
    published = source.published
    if not published:
        for line in header:
            if len(line.split()) <= 6:
                found = dates.find_dates(line)
                if found and len(found[0][1]) == 10:
                    published = found[0][1]
                    break
    publisher = source.publisher
    if not publisher:
        lines = header + [text[s.start:s.end] for s in segs[-HEADER_LINES:]]
        for line in lines:
            for pattern in _PUBLISHER:
                m = pattern.match(line)
                if m:
                    publisher = m.group("v").strip()
                    break
            if publisher:
                break
    return {"title": source.title or title_of(text), "published": published, "publisher": publisher,
            "author": source.author, "uri": source.uri, "sha256": source.sha256, "media_type": source.media_type}
