"""Entities of a source: named mentions from spaCy and the gazetteer, cleaned, typed, grouped
under their fullest name, with the aliases the text defines or uses."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from counterwatch.data import load
from counterwatch.extract import places
from counterwatch.extract.nlp import lemma
from counterwatch.findings import Entity, Mention, alias_order
from counterwatch.names import acronym, key

_DEFINED_ALIAS = re.compile(r"\s*\((?:the\s+)?[“\"']?([A-Z][\w.&'’ -]{1,30}?)[”\"']?\)")
_PROGRAM_CUE = re.compile(r"\b(?:known as|called|dubbed|codenamed|code-named)\s+[“\"']?$", re.I)


@dataclass
class Block:
    """A parsed prose block and where it starts in the source text."""

    doc: Doc
    offset: int


@cache
def _rules() -> tuple[dict, re.Pattern]:
    cfg = load("entities.yml")
    not_ent = re.compile(r"^(?:the\s+)?(?:" + "|".join(cfg["not_entities"]) + r")$", re.I)
    return cfg, not_ent


@cache
def _gazetteer() -> dict[str, dict]:
    return {org["name"]: org for org in load("organizations.yml")}


def _org_apposition(token, nouns: set[str]) -> bool:
    """'X, a company ...': an apposition whose head noun names a kind of organization."""
    return any(c.dep_ == "appos" and lemma(c) in nouns for c in token.children)


def _appositive_orgs(doc: Doc, offset: int, cfg: dict):
    """Names the model missed that the text defines: 'Veritex, the company that supplied ...'."""
    nouns = set(cfg["org_nouns"])
    for tok in doc:
        if tok.pos_ != "PROPN" or tok.ent_type_ or not tok.text[:1].isupper():
            continue
        if _org_apposition(tok, nouns):
            first = min([tok, *(c for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN")], key=lambda t: t.i)
            span = doc[first.i:tok.i + 1]
            cleaned = _clean(span.text, offset + span.start_char)
            if cleaned:
                yield Mention(cleaned[1], cleaned[1] + len(cleaned[0]), cleaned[0], "organization")


def _described_as_org(ent, cfg: dict) -> bool:
    """'Ping An, a large insurance company': an apposition says the 'person' is an organization."""
    nouns = set(cfg["org_nouns"])
    return _org_apposition(ent.root, nouns) or ent.root.dep_ == "compound" and lemma(ent.root.head) in nouns


def _clean(text: str, start: int) -> tuple[str, int] | None:
    """Trim articles, possessives and punctuation; return (name, start) or None if not a name."""
    cfg, not_ent = _rules()
    m = re.match(r"^(?:the|a|an)\s+", text)
    if m:
        text, start = text[m.end():], start + m.end()
    text = re.sub(r"(?:[’']s|[’'])$", "", text).rstrip(" ,.;:-–—")
    lead = len(text) - len(text.lstrip(" “\"‘'([-–—"))
    text, start = text[lead:], start + lead
    m = re.match(r"^([A-Z][\w.]+(?: [A-Z][\w.]+)?)[’']s\s+(?=[A-Z])", text)
    if m and places.country_of(m.group(1)):  # "Reno's Peppermill Casino" -> "Peppermill Casino"
        text, start = text[m.end():], start + m.end()
    if not (cfg["min_name_chars"] <= len(text) <= cfg["max_name_chars"]):
        return None
    if "\n" in text and (text.count("\n") > 1 or len(text) > 60):
        return None
    text = text.replace("\n", " ")  # a name wrapped over two lines; offsets still cover the original
    if not any(c.isupper() for c in text) or not text[0].isalnum() or not_ent.match(text):
        return None
    return text, start


def _untitled(text: str, start: int, cfg: dict) -> tuple[str, int]:
    """'Councillor Selin Korkmaz' -> 'Selin Korkmaz': a title before a name is not part of it."""
    titles = _titles(tuple(cfg["person_titles"]))
    m = titles.match(text)
    if m and len(text[m.end():].split()) >= 1:
        return text[m.end():], start + m.end()
    return text, start


def _name_end(doc: Doc, ent, cfg: dict) -> int:
    """Where a name the parser cut after a joining word ends: through the capitalised words that
    follow, within its sentence (0 when none follows)."""
    joiners, end, last = set(cfg["name_joiners"]), ent.end, 0
    while end < min(ent.sent.end, ent.end + 6):
        tok = doc[end]
        if tok.text[:1].isupper() and tok.is_alpha:
            last = end + 1
        elif tok.lower_ not in joiners and tok.lower_ != "the":
            break
        end += 1
    return last


def _dangles(ent, joiners: list[str]) -> bool:
    """'MFI Soft and', 'Traffic Enforcement Division of the': the parser stopped at a joining word."""
    last = ent[-1].lower_
    return last in joiners or (last == "the" and len(ent) > 2 and ent[-2].lower_ in joiners)


def _titled_person(text: str, cfg: dict) -> bool:
    """A title, then two or three capitalised words none of which names a kind of organization."""
    m = _titles(tuple(cfg["person_titles"])).match(text)
    rest = text[m.end():].split() if m else []
    org_words = _org_words(tuple(cfg["org_suffixes"]), tuple(cfg["org_nouns"]))
    return 2 <= len(rest) <= 3 and all(w[:1].isupper() and w.lower() not in org_words for w in rest)


@cache
def _org_words(suffixes: tuple[str, ...], nouns: tuple[str, ...]) -> frozenset[str]:
    return frozenset([*suffixes, *nouns])


@cache
def _titles(words: tuple[str, ...]) -> re.Pattern:
    alts = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"^(?:(?:{alts})\.?\s+)+(?=[A-Z])", re.I)


def _is_part_of_name(short: str, long: str) -> bool:
    """'Thermo Fisher' of 'Thermo Fisher Scientific', 'Times' of 'The New York Times', 'HRW'."""
    s, l = key(short).split(), key(long).split()
    if not s or len(s) >= len(l):
        return False
    if l[: len(s)] == s or l[-len(s):] == s:
        return True
    compact = short.replace(".", "").replace(" ", "")
    return compact.isupper() and compact == acronym(long)


def is_headline(sentence: str) -> bool:
    """Title Case sentences ('Police Use Facial Recognition Software') fool NER into long names."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", sentence) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) >= 0.7


def raw_mentions(blocks: list[Block]) -> list[Mention]:
    """Named mentions (organization, person, place) with offsets into the source text.

    A name found only in a headline sentence is dropped unless it is also named elsewhere or is a
    person: Title Case fools the parser into long organization names, but the persons of a byline, a
    bench or a minutes' attendance list are real (43 of 101 persons missed on the dev split were those).
    """
    found = list(_mentions(blocks))
    body_keys = {key(m.text) for m, headline in found if not headline}
    return [m for m, headline in found
            if not headline or m.label == "person" or key(m.text) in body_keys or m.text in _gazetteer()]


def _mentions(blocks: list[Block]):
    cfg, _ = _rules()
    heads = cfg["state_heads"]
    for block in blocks:
        doc = block.doc
        yield from ((m, False) for m in _appositive_orgs(doc, block.offset, cfg))
        headlines = {s.start for s in doc.sents if is_headline(s.text)}
        for ent in doc.ents:
            headline = ent.sent.start in headlines
            if ent.label_ == "NORP":
                nxt = doc[ent.end] if ent.end < len(doc) else None
                country = places.country_of_demonym(ent.text)
                if nxt is not None and country and nxt.lower_ in heads and nxt.pos_ in ("NOUN", "PROPN"):
                    name = f"{ent.text} {heads[nxt.lower_]}"
                    yield Mention(block.offset + ent.start_char, block.offset + nxt.idx + len(nxt),
                                  name, "organization"), headline
                continue
            label = cfg["labels"].get(ent.label_)
            if not label:
                continue
            if label == "person" and _described_as_org(ent, cfg):
                label = "organization"
            if label == "place" and ent.text.split()[-1].lower() in cfg["org_suffixes"]:
                label = "organization"
            first, last = ent.start, ent.end
            prev = doc[ent.start - 1] if ent.start > ent.sent.start else None
            if (ent.label_ == "ORG" and prev is not None and prev.pos_ == "PROPN" and prev.ent_type_ == ""
                    and prev.text[:1].isupper() and prev.i > ent.sent.start):
                first = prev.i  # "RTL" + "Nieuws"
            if ent.label_ == "ORG" and len(ent) > 1 and _dangles(ent, cfg["name_joiners"]):
                end = _name_end(doc, ent, cfg)  # "The Metropolitan Police of" + "Puerto Alegría"
                last = end if end > ent.end else ent.end - 1  # "MFI Soft and"
            raw, raw_start = doc[first:last].text, block.offset + doc[first].idx
            if raw.startswith("The ") and not ent.ent_id_:
                raw, raw_start = raw[4:], raw_start + 4  # the article is not part of the name
            if _PROGRAM_CUE.search(doc.text[max(0, ent.start_char - 24):ent.start_char]):
                continue  # "a system known as Huduma Namba" names a program, not an actor
            cleaned = _clean(raw, raw_start)
            if cleaned is None:
                continue
            text, start = cleaned
            if label == "organization" and _titled_person(text, cfg):
                label = "person"  # "Cllr Helen Marchbank", "Sheriff Wade Tolliver": a title makes a person
            if label == "person":
                text, start = _untitled(text, start, cfg)
            if ent.ent_id_:  # gazetteer hit: the canonical name is the gazetteer's
                yield Mention(start, start + len(text), ent.ent_id_, "organization"), headline
                continue
            yield Mention(start, start + len(text), text, label), headline


def group(mentions: list[Mention], text: str) -> tuple[list[Entity], dict[tuple[int, int], str]]:
    """Group mentions into entities; return them and a map (start, end) -> entity name."""
    cfg, _ = _rules()
    gaz = _gazetteer()
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_key[key(m.text)].append(m)
    entities: list[Entity] = []
    for k, ms in by_key.items():
        names = Counter(m.text for m in ms)
        name = max(names, key=lambda n: (n in gaz, len(n), names[n]))
        labels = Counter(m.label for m in ms)
        etype = labels.most_common(1)[0][0]
        if name in gaz:
            etype = "organization"
        elif etype == "organization" and places.country_of(name) and labels["place"] >= labels["organization"] - 1:
            etype = "place"
        surface = {text[m.start:m.end] for m in ms} - {name}
        entities.append(Entity(name=name, type=etype, aliases=alias_order(surface), mentions=list(ms),
                               kind=gaz.get(name, {}).get("kind")))
    entities = _merge_parts(entities)
    _add_defined_aliases(entities, text)
    entities = _merge_defined(entities)
    _mark_media(entities, text, cfg)
    entities = [e for e in entities if _keep(e, cfg)]
    _suggest_protected(entities, text)
    index = {(m.start, m.end): e.name for e in entities for m in e.mentions}
    return entities, index


def _merge_parts(entities: list[Entity]) -> list[Entity]:
    """Fold short names into the longer entity of the same type they are part of."""
    entities.sort(key=lambda e: -len(e.name))
    kept: list[Entity] = []
    for e in entities:
        home = None
        for k in kept:
            if k.type != e.type:
                continue
            if _is_part_of_name(e.name, k.name) or any(_is_part_of_name(e.name, a) for a in k.aliases):
                home = k
                break
        if home is None:
            kept.append(e)
            continue
        _absorb(home, e)
    return kept


def _absorb(home: Entity, e: Entity) -> None:
    """`e` is another name of `home`: its names become aliases, its mentions home's."""
    home.aliases = alias_order({*home.aliases, e.name, *e.aliases} - {home.name})
    have = {(m.start, m.end) for m in home.mentions}
    home.mentions.extend(m for m in e.mentions if (m.start, m.end) not in have)


def _add_defined_aliases(entities: list[Entity], text: str) -> None:
    """'Human Rights Watch (HRW)', 'the Metropolitan Police ("the Met")': the text defines an alias."""
    for e in entities:
        if e.type != "organization":  # "Selin Korkmaz (Democratic Future Party)" names her party
            continue
        for m in list(e.mentions):
            d = _DEFINED_ALIAS.match(text, m.end)
            if (d and d.group(1) not in e.aliases and key(d.group(1)) != key(e.name) and len(d.group(1)) < len(e.name)
                    and not places.country_of(d.group(1))):  # "Hereditas (Beijing)" names a place
                e.aliases.append(d.group(1))
                e.mentions.append(Mention(d.start(1), d.end(1), d.group(1), e.type))


def _merge_defined(entities: list[Entity]) -> list[Entity]:
    """Fold the entity a defined alias names on its own into the one that defines it: "Unique
    Identification Authority of India (UIDAI)" and a later "UIDAI authenticates..." are one actor."""
    defined = {key(a): e for e in entities if e.type == "organization" for a in e.aliases}
    kept = []
    for e in entities:
        home = defined.get(key(e.name))
        if home is None or home is e or e.type == "person":
            kept.append(e)
            continue
        _absorb(home, e)
    return kept


@cache
def _protected_rule() -> tuple[int, re.Pattern]:
    cfg = load("protected.yml")
    return cfg["window_chars"], re.compile(r"(?<!\w)(?:" + "|".join(cfg["cues"]) + r")(?!\w)", re.I)


def _suggest_protected(entities: list[Entity], text: str) -> None:
    """A person named next to 'arrested', 'victim', 'refugee', ... is suggested as protected."""
    window, cue = _protected_rule()
    for e in entities:
        if e.type != "person":
            continue
        for m in e.mentions:
            before = text[max(0, m.start - window):m.start].rsplit(".", 1)[-1]
            after = text[m.end:m.end + window].split(".", 1)[0]
            found = cue.search(before) or cue.search(after)
            if found:
                e.protected_cue = found.group(0)
                break


def _mark_media(entities: list[Entity], text: str, cfg: dict) -> None:
    """Outlets and journals are sources: 'NL Times', 'the journal Human Genetics', 'news service RTL'."""
    words = set(cfg["media_name_words"])
    cue = re.compile(cfg["media_cues"], re.I)
    for e in entities:
        if e.type != "organization" or e.kind:
            continue
        if set(key(e.name).split()) & words or any(cue.search(text[max(0, m.start - 40):m.start]) for m in e.mentions):
            e.kind = "media"


def _keep(e: Entity, cfg: dict) -> bool:
    if e.type == "organization" and e.kind is None and e.name.split()[-1].lower() in cfg["program_suffixes"]:
        return False
    if e.type == "organization" and re.sub(r"^the\s+", "", e.name.lower()) in cfg["bare_bodies"]:
        return False
    if e.type == "person":
        return len(e.name.split()) >= cfg["min_person_tokens"]
    if e.type == "place":
        e.country = places.country_of(e.name)
        return e.country is not None or len(e.mentions) >= cfg["min_unknown_place_mentions"]
    return True


def fill_unknown_countries(entities: list[Entity], default: str | None) -> None:
    """A place no gazetteer knows is taken to lie in the report's country; kind "guessed" says so,
    and the country model does not count it as a hint (it would only echo the guess)."""
    for e in entities:
        if e.type == "place" and e.country is None:
            e.country, e.kind = default, "guessed"
