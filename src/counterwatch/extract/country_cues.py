"""Every hint of a country in a parsed text, not only the places the entity step keeps: gazetteer
places (also inside organization names and "Dhaka-based"), demonyms, currencies and civic words.

Small or invented towns defeat a gazetteer; the country is then implied by an agency ("Australian
Federal Police"), a currency ("40 crore rupees") or an institution ("Lok Sabha"). The country model
(features.country_features) weighs each kind of hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, numbers
from spacy.tokens import Span

from counterwatch.data import load
from counterwatch.extract import place_shapes, places


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    country: str
    kind: str  # place | shape | org | name | demonym | based | currency | civic | company | header
    weight: float


@cache
def _currencies() -> dict[str, list[str]]:
    """'rupees' -> [IN, LK, NP, PK, ...], 'INR' -> [IN]: CLDR's English currency names and codes."""
    en, out = Locale("en"), {}
    for territory in en.territories:
        if not re.fullmatch(r"[A-Z]{2}", territory):
            continue
        for code in numbers.get_territory_currencies(territory, tender=True):
            names = {code, en.currencies.get(code, ""), numbers.get_currency_name(code, count=2, locale="en")}
            for name in names:
                for key in {name, name.split()[-1].lower() if " " in name else ""} - {""}:
                    out.setdefault(key, []).append(territory)
    return {k: sorted(set(v)) for k, v in out.items()}


MIN_SHAPE = 0.2  # a name-shape guess below this says nothing
MAX_SHARED = 12  # a currency word used by more countries ("dollars", "euros") says nothing
_BASED = re.compile(r"\b([A-Z][\w.]+(?: [A-Z][\w.]+)?)-based\b")
_NAME_BEFORE = re.compile(r"[A-Z][\w'-]* $")  # "Dhaka Metropolitan Police" is not the London force


@cache
def _lexicon() -> tuple[re.Pattern, dict[str, tuple[str, list[str]]]]:
    """One pattern over every currency, company form and civic word; each word's kind and countries."""
    data = load("country_cues.yml")
    skip = set(data["not_currencies"])
    table = {k: ("currency", v) for k, v in _currencies().items()
             if k not in skip and (not k.islower() or len(v) <= MAX_SHARED)}
    table.update({k: ("company", v) for k, v in data["company_forms"].items()})
    table.update({k: ("civic", v) for k, v in data["cues"].items()})
    words = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])"), table


def cues(sent: Span, offset: int) -> list[Cue]:
    """The country hints of one sentence (offsets into the source text)."""
    out: list[Cue] = []
    base = offset + sent.start_char
    for ent in sent.ents:
        a, b = offset + ent.start_char, offset + ent.end_char
        if ent.label_ in ("GPE", "LOC", "FAC"):
            c = places.country_of(ent.text)
            if c:
                out.append(Cue(a, b, c, "place", 1.0))
            else:  # a town no gazetteer knows: what its name looks like
                out.extend(Cue(a, b, c, "shape", p) for c, p in place_shapes.likely_countries(places.bare_name(ent.text)) if p >= MIN_SHAPE)
        elif ent.label_ == "NORP":
            c = places.country_of_demonym(ent.text)
            if c:
                out.append(Cue(a, b, c, "demonym", 1.0))
        elif ent.label_ == "ORG":
            c = _country_in_name(ent)
            if c:
                out.append(Cue(a, b, c, "org", 1.0))
    named = {t.i for ent in sent.ents for t in ent}
    for tok in sent:  # a capitalised name the parser did not take for a place ("a Dhaka integrator")
        if tok.i not in named and tok.is_title and tok.pos_ == "PROPN" and len(tok.text) > 2:
            c = places.big_place(tok.text)
            if c:
                out.append(Cue(offset + tok.idx, offset + tok.idx + len(tok.text), c, "name", 1.0))
    text = sent.text
    for m in _BASED.finditer(text):
        c = places.country_of(m.group(1))
        if c:
            out.append(Cue(base + m.start(), base + m.end(), c, "based", 1.0))
    pattern, table = _lexicon()
    for m in pattern.finditer(text):
        kind, countries = table[m.group(0)]
        if kind == "civic" and m.group(0)[:1].isupper() and _NAME_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue
        for c in countries:
            out.append(Cue(base + m.start(), base + m.end(), c, kind, 1.0 / len(countries)))
    return out


@cache
def _org_words() -> frozenset[str]:
    """'Police' is also a Polish town: words that make a name an organization are never its place."""
    cfg = load("entities.yml")
    return frozenset([*cfg["org_suffixes"], *cfg["org_nouns"], *cfg["state_heads"]])


@cache
def _name_modifiers() -> frozenset[str]:
    return frozenset(load("country_cues.yml")["name_modifiers"])


def _country_in_name(ent: Span) -> str | None:
    """'Toronto Police Service' -> CA, 'Kazakh Interior Ministry' -> KZ: the leading words of a name."""
    toks = [t for t in ent if not t.is_punct]
    if toks and toks[0].lower_ == "the":
        toks = toks[1:]
    if not toks:
        return None
    if toks[0].lower_ in _org_words():
        return _country_after_of(toks)
    for n in (3, 2, 1):
        if len(toks) > n:
            follower = toks[n].lower_
            if (n == 1 and toks[n].text[:1].isupper() and follower not in _org_words() | _name_modifiers()
                    and not places.country_of_demonym(toks[0].text)):
                continue  # "Harlow Springs ...": one word of a longer place name ("Kazakh Interior" is a demonym)
            head = " ".join(t.text for t in toks[:n])
            c = places.country_of(head) or (places.country_of_demonym(head) if n == 1 else None)
            if c:
                return c
    for n in (2, 1):  # "Open Streets Taiwan", "Amnesty International Kenya": a country's own chapter
        tail = " ".join(t.text for t in toks[-n:])
        if len(toks) > n and places.is_country(tail):
            return places.country_of(tail)
    return _country_after_of(toks)


def _inside_longer_name(words: list[str], i: int, n: int, head: str) -> bool:
    """'San Pedro' of 'San Pedro Tlaxcoapan', 'Springs' of 'Harlow Springs': words of a longer name
    are not the known place they spell, unless they name a country or a people, or what follows makes
    them a place's organization ('Kenya Police') or a part of it ('Kotabaru Selatan'). A big city
    first in a masthead stays ('Kathmandu Chronicle')."""
    if places.is_country(head) or (n == 1 and places.country_of_demonym(head)):
        return False
    if n == 1:
        return i > 0
    return i + n < len(words) and words[i + n].lower() not in _org_words() | _name_modifiers()


def _country_after_of(toks: list) -> str | None:
    """'District Court of Kotabaru Selatan' -> ID, 'Ministry of Interior of Serbia' -> RS: the whole
    name a name is 'of' (a point of the compass after it still names the same place)."""
    for k, tok in enumerate(toks[:-1]):
        if tok.lower_ != "of":
            continue
        rest = []
        for t in toks[k + 1:]:
            if not (t.text[:1].isupper() or t.lower_ in ("de", "del", "do", "da")) or t.lower_ == "of":
                break
            rest.append(t.text)
        while rest:
            c = places.country_of(" ".join(rest))
            if c:
                return c
            if rest[-1].lower() not in _name_modifiers():
                break
            rest.pop()
    return None


_CAPITALISED = re.compile(r"\b[A-Z][\w.'-]*(?: (?:de |del |do |da )?[A-Z][\w.'-]*){0,2}")


def line_cues(text: str, start: int, end: int) -> list[Cue]:
    """The country hints of a line the parser never reads (a title, a dateline, a notice's
    "Estimated value: KRW ..." or "Contracting authority: ..." field, a site's "Swedish court
    decisions" banner), found without a parse: kind 'header'."""
    line = text[start:end]
    out: list[Cue] = []
    for m in _CAPITALISED.finditer(line):
        words, i = m.group(0).split(), 0
        if words[0] in ("The", "THE"):  # "The Harlow Springs Courier" is not "Harlow"
            words = words[1:]
        while i < len(words):  # the longest known place or demonym from each word on
            for n in range(len(words) - i, 0, -1):
                raw = " ".join(words[i:i + n]).rstrip(",")
                head = raw.rstrip(".")
                if _inside_longer_name(words, i, n, head):
                    continue
                c = (places.big_place(head) or places.country_of_demonym(head)) if n == 1 else places.country_of(head)
                if not c and raw != head:  # "Calif." is known with its point
                    c, head = places.country_of(raw), raw
                if c:
                    at = start + m.start() + m.group(0).index(head)
                    out.append(Cue(at, at + len(head), c, "header", 1.0))
                    break
            i += n
    pattern, table = _lexicon()
    for m in pattern.finditer(line):
        _, countries = table[m.group(0)]
        for c in countries:
            out.append(Cue(start + m.start(), start + m.end(), c, "header", 1.0 / len(countries)))
    return out


def cues_in(name: str) -> list[str]:
    """The kinds of country cue a name holds ('Corvane Lanka (Pvt) Ltd' -> ['company'])."""
    pattern, table = _lexicon()
    return sorted({table[m.group(0)][0] for m in pattern.finditer(name)})
