"""Deployments: concrete uses of surveillance technology, built from the sentences that name a
technology, with who runs it, who supplies it, where, since when, and how certain the source is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pycountry
from spacy.tokens import Span

from counterwatch.extract import certainty, dates, technologies
from counterwatch.extract.model import Deployment, Entity, Evidence
from counterwatch.extract.roles import role, target_heads

MAX_TARGETS = 3
SOURCE_KINDS = {"media", "watchdog", "research"}


@dataclass
class Candidate:
    """What one sentence says about a deployment."""

    techs: list[str]
    country: str | None
    places: list[str]
    operators: list[str]
    suppliers: list[str]
    targets: list[str]
    certainty: str
    evidence: list[Evidence]
    sentences: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)

    @property
    def speculative(self) -> bool:
        return self.certainty == "speculative"


def candidates(sents: list[tuple[Span, int]], text: str, index: dict[tuple[int, int], str],
               entities: dict[str, Entity], doc_country: str | None) -> list[Candidate]:
    """One candidate per sentence that names a technology."""
    out = []
    for sent, offset in sents:
        start, end = offset + sent.start_char, offset + sent.end_char
        quote = text[start:end]
        techs = technologies.find(quote, start)
        if not techs:
            continue
        level, cue = certainty.classify(quote)
        ops, sups, plcs = [], [], []
        fallback = []
        for ent in sent.ents:
            span_key = _resolve(ent, offset, index)
            if span_key is None:
                continue
            e = entities[span_key]
            if e.type == "place":
                plcs.append(e.name)
                continue
            if e.type != "organization":
                continue
            r = role(ent, text[start:offset + ent.start_char])
            if r == "operator":
                ops.append(e.name)
            elif r == "supplier" or (r is None and e.kind == "vendor"):
                sups.append(e.name)
            elif r is None and e.kind not in SOURCE_KINDS:
                fallback.append(e.name)
        for name in _state_orgs(sent, offset, index, entities):
            if name not in ops + sups:
                fallback.append(name)
        if not ops:
            ops = fallback
        countries = Counter(entities[p].country for p in plcs if entities[p].country)
        countries.update(_org_countries(ops, entities))
        country = countries.most_common(1)[0][0] if countries else doc_country
        out.append(Candidate(
            techs=list(dict.fromkeys(t.tech for t in techs)), country=country, places=_uniq(plcs),
            operators=_uniq(ops), suppliers=_uniq(s for s in sups if s not in ops),
            targets=_targets(sent), certainty=level, evidence=[Evidence(start, end, quote, cue)],
            sentences=[quote], dates=[iso for _, iso in dates.find_dates(quote)]))
    return out


def _resolve(ent: Span, offset: int, index: dict[tuple[int, int], str]) -> str | None:
    s, e = offset + ent.start_char, offset + ent.end_char
    for (ms, me), name in index.items():
        if ms >= s and me <= e:
            return name
    return None


def _state_orgs(sent: Span, offset: int, index: dict[tuple[int, int], str], entities: dict[str, Entity]) -> list[str]:
    """'Chinese authorities' mentions are not spaCy entities; find them through the index."""
    s, e = offset + sent.start_char, offset + sent.end_char
    return [name for (ms, me), name in index.items()
            if s <= ms and me <= e and entities[name].type == "organization" and entities[name].kind is None
            and not any(offset + x.start_char <= ms and me <= offset + x.end_char for x in sent.ents)]


def _org_countries(orgs: list[str], entities: dict[str, Entity]) -> list[str]:
    out = []
    for name in orgs:
        c = entities[name].country
        if c:
            out.append(c)
    return out


def _targets(sent: Span) -> list[str]:
    heads = target_heads()
    found = []
    for chunk in sent.noun_chunks:
        if chunk.root.lower_ in heads and chunk.root.dep_ not in ("nsubj",):
            found.append(chunk.text)
    return found[:MAX_TARGETS]


def _uniq(items) -> list[str]:
    return list(dict.fromkeys(items))


def merge(cands: list[Candidate]) -> list[Candidate]:
    """Sentences about the same technology in the same country, stated with the same confidence,
    describe one deployment; a speculative mention stays apart from an established one."""
    merged: list[Candidate] = []
    for c in cands:
        home = next((m for m in merged if m.country == c.country and m.speculative == c.speculative
                     and set(m.techs) & set(c.techs)), None)
        if home is None:
            merged.append(c)
            continue
        home.techs = _uniq([*home.techs, *c.techs])
        home.places = _uniq([*home.places, *c.places])
        home.operators = _uniq([*home.operators, *c.operators])
        home.suppliers = _uniq(s for s in [*home.suppliers, *c.suppliers] if s not in home.operators)
        home.targets = _uniq([*home.targets, *c.targets])[:MAX_TARGETS]
        home.evidence.extend(c.evidence)
        home.sentences.extend(c.sentences)
        home.dates.extend(c.dates)
    return merged


def build(cands: list[Candidate]) -> list[Deployment]:
    out = []
    for c in merge(cands):
        where = c.places[0] if c.places else _country_name(c.country)
        label = ", ".join(technologies.label(t) for t in c.techs[:3])
        by = f" by {c.operators[0]}" if c.operators else ""
        levels = Counter(e_level for e_level in [certainty.classify(s)[0] for s in c.sentences])
        out.append(Deployment(
            name=f"{label}{by}{' in ' + where if where else ''}", country=c.country, places=c.places,
            technologies=c.techs, operators=c.operators, suppliers=c.suppliers, targets=c.targets,
            status=certainty.status(c.sentences), start=min(c.dates) if c.dates else None,
            certainty=c.certainty if c.certainty != "reported" else levels.most_common(1)[0][0],
            evidence=c.evidence))
    return out


def _country_name(code: str | None) -> str | None:
    if not code:
        return None
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)
