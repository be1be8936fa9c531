"""Deployments: concrete uses of surveillance technology, built from the sentences that name a
technology, with who runs it, who supplies it, where, since when, and how certain the source is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pycountry
from spacy.tokens import Span

from counterwatch.extract import certainty, dates, technologies
from counterwatch.extract.roles import role, target_heads
from counterwatch.findings import Deployment, Entity, Evidence

MAX_TARGETS = 3
MAX_EVIDENCE = 25  # quotes kept per deployment: enough to cite, not the whole report
CONTEXT_SENTENCES = 2  # how far back a place mention still sets the country of a claim
SOURCE_KINDS = {"media", "watchdog", "research", "intergovernmental"}  # they report, they do not run


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
    """One candidate per sentence that names a technology.

    When a sentence names the technology but not who runs it, the actors of the neighbouring
    sentence of the same paragraph are taken ("Uganda deployed cameras. The government said ...").
    """
    mentions = sorted(index.items())
    roles = [_roles(sent, offset, text, mentions, entities) for sent, offset in sents]
    found = [technologies.find(text[off + s.start_char:off + s.end_char], off + s.start_char) for s, off in sents]
    out = []
    for i, (sent, offset) in enumerate(sents):
        start, end = offset + sent.start_char, offset + sent.end_char
        quote = text[start:end]
        techs = found[i]
        if not techs:
            continue
        level, cue = certainty.classify(quote)
        ops, sups, plcs, _ = roles[i]
        for j in (i - 1, i + 1):  # "The cameras were supplied by X." names no technology itself
            if 0 <= j < len(sents) and sents[j][1] == offset and not found[j]:
                sups = _uniq([*sups, *roles[j][1]])
        if not ops:  # stated operators of either neighbour, else the guess of the next sentence
            for j, need_stated in ((i - 1, True), (i + 1, True), (i + 1, False)):
                if 0 <= j < len(sents) and sents[j][1] == offset and roles[j][0] and (roles[j][3] or not need_stated):
                    ops = roles[j][0]
                    sups = _uniq([*sups, *roles[j][1]])
                    break
        countries = Counter(entities[p].country for p in plcs if entities[p].country)
        countries.update(_org_countries(ops, entities))
        if not countries:  # the place of the previous sentences still holds ("... in the Netherlands. They ...")
            countries.update(entities[p].country for j in range(max(0, i - CONTEXT_SENTENCES), i)
                             for p in roles[j][2] if entities[p].country)
        country = countries.most_common(1)[0][0] if countries else doc_country
        out.append(Candidate(
            techs=list(dict.fromkeys(t.tech for t in techs)), country=country, places=_uniq(plcs),
            operators=_uniq(ops), suppliers=_uniq(s for s in sups if s not in ops),
            targets=_targets(sent), certainty=level, evidence=[Evidence(start, end, quote, cue)],
            sentences=[quote], dates=[iso for _, iso in dates.find_dates(quote)]))
    return out


def _roles(sent: Span, offset: int, text: str, mentions: list[tuple[tuple[int, int], str]],
           entities: dict[str, Entity]) -> tuple[list[str], list[str], list[str], bool]:
    """(operators, suppliers, places, whether the operators are stated rather than guessed)."""
    s0, s1 = offset + sent.start_char, offset + sent.end_char
    ops, sups, plcs, fallback, vendors = [], [], [], [], []
    for (ms, me), name in mentions:
        if not (s0 <= ms and me <= s1):
            continue
        e = entities[name]
        if e.type == "place":
            plcs.append(name)
            continue
        span = sent.doc.char_span(ms - offset, me - offset, alignment_mode="expand")
        if span is None:
            continue
        r = role(span, text[s0:ms])
        if r == "operator" and e.kind == "vendor" and span.root.dep_ == "poss":
            r = "supplier"  # "Huawei's cameras" name the maker, not the user
        if e.type == "person":  # a person runs a deployment only when the sentence says so
            if r == "operator":
                ops.append(name)
        elif r == "operator":
            ops.append(name)
        elif r == "supplier":
            sups.append(name)
        elif r is None and e.kind == "vendor":
            vendors.append(name)
        elif r is None and e.kind not in SOURCE_KINDS:
            fallback.append(name)
    stated = bool(ops)
    ops = ops or fallback
    if ops:  # a vendor named beside the one who runs the system supplies it
        sups += vendors
    else:
        ops = vendors
    return _uniq(ops), _uniq(s for s in sups if s not in ops), _uniq(plcs), stated


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
                     and set(m.techs) & set(c.techs) and not _different_operators(m, c)), None)
        if home is None:
            merged.append(c)
            continue
        home.techs = _uniq([*home.techs, *c.techs])
        home.places = _uniq([*home.places, *c.places])
        home.operators = _uniq([*home.operators, *c.operators])
        home.suppliers = _uniq(s for s in [*home.suppliers, *c.suppliers] if s not in home.operators)
        home.targets = _uniq([*home.targets, *c.targets])[:MAX_TARGETS]
        if len(home.evidence) < MAX_EVIDENCE:
            home.evidence.extend(c.evidence)
        home.sentences.extend(c.sentences)
        home.dates.extend(c.dates)
    return merged


def _different_operators(a: Candidate, b: Candidate) -> bool:
    """Two forces running the same technology are two deployments."""
    return bool(a.operators and b.operators and not set(a.operators) & set(b.operators))


def build(cands: list[Candidate]) -> list[Deployment]:
    out = []
    for c in merge(cands):
        where = c.places[0] if c.places else _country_name(c.country)
        label = ", ".join(technologies.label(t) for t in c.techs[:3])
        by = f" by {c.operators[0]}" if c.operators else ""
        # the first sentence sets the certainty unless it is the bare default: then the sentences vote
        levels = Counter(certainty.classify(s)[0] for s in c.sentences)
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
