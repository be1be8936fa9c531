"""Names the parser finds but the rule pass used to lose: persons of Title Case lists (a minutes'
attendance, a bench), a title that makes an 'organization' a person, names cut after a joining word; and the one-word bodies that are no names."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from counterwatch.data import load
from counterwatch.extract import Extractor
from counterwatch.extract.entities import Block, _name_end, _titled_person, group, raw_mentions
from counterwatch.findings import Mention
from counterwatch.ingest.source import Source

MINUTES = """Minutes of the Ordinary Meeting of the Valdoria Town Council, held 3 March 2024.

Present: Mayor Linda Ashcroft; Deputy Mayor Paul Deschenes; Councillors Ravi Sandhu, Meghan O'Rourke, Stuart Bellamy.

The council discussed the licence plate cameras that the Valdoria Police Service has run since 2022."""


def test_persons_of_an_attendance_list_are_kept():
    x = Extractor(model_dir=None).extract(Source(uri="minutes.txt", text=MINUTES))
    persons = {e.name for e in x.entities if e.type == "person"}
    assert {"Linda Ashcroft", "Paul Deschenes", "Stuart Bellamy"} <= persons  # in a "headline" sentence


def test_a_title_before_two_or_three_names_makes_a_person():
    cfg = load("entities.yml")
    assert _titled_person("Cllr Helen Marchbank", cfg)
    assert _titled_person("Sheriff Wade Tolliver", cfg)
    assert not _titled_person("Sheriff's Office", cfg)
    assert not _titled_person("Chief Police Department", cfg)  # an organization word: not a person


def _doc(words: list[str], org: tuple[int, int]) -> Doc:
    ents = ["O"] * len(words)
    ents[org[0]] = "B-ORG"
    for k in range(org[0] + 1, org[1]):
        ents[k] = "I-ORG"
    return Doc(spacy.blank("en").vocab, words=words, ents=ents, sent_starts=[True] + [False] * (len(words) - 1))


def test_a_name_cut_after_a_joining_word_runs_on_through_the_capitalised_words():
    cfg = load("entities.yml")
    doc = _doc(["The", "Metropolitan", "Police", "of", "Puerto", "Alegría", "declined", "."], (0, 4))
    assert doc[0:_name_end(doc, doc.ents[0], cfg)].text == "The Metropolitan Police of Puerto Alegría"
    doc = _doc(["MFI", "Soft", "and", "others", "declined", "."], (0, 3))
    assert _name_end(doc, doc.ents[0], cfg) == 0  # nothing follows: the caller drops the joining word


def test_a_name_extended_both_ways_keeps_exact_offsets():
    words = ["reporters", "heard", "that", "Korva", "Metro", "Police", "of", "Puerto", "Alegre", "declined",
             "every", "request", "about", "cameras", "."]
    pos = ["NOUN", "VERB", "SCONJ", "PROPN", "PROPN", "PROPN", "ADP", "PROPN", "PROPN", "VERB",
           "DET", "NOUN", "ADP", "NOUN", "PUNCT"]
    ents = ["O"] * 4 + ["B-ORG", "I-ORG", "I-ORG"] + ["O"] * 8  # the parser's span: "Metro Police of"
    doc = Doc(spacy.blank("en").vocab, words=words, pos=pos, ents=ents, sent_starts=[True] + [False] * 14)
    offset = 7
    text = " " * offset + doc.text
    found = [m for m in raw_mentions([Block(doc, offset)]) if m.label == "organization"]
    assert [(m.text, text[m.start:m.end]) for m in found] == [("Korva Metro Police of Puerto Alegre",) * 2]


def _org_at(text: str, name: str) -> Mention:
    start = text.index(name)
    return Mention(start, start + len(name), name, "organization")


def test_a_body_named_by_one_generic_word_is_no_entity_unless_part_of_a_fuller_name():
    text = "The Kisumu County Assembly met. The House asked the Committee. The Assembly agreed."
    found = [_org_at(text, "Kisumu County Assembly"), _org_at(text, "House"), _org_at(text, "Committee")]
    last = text.rindex("Assembly")
    found.append(Mention(last, last + len("Assembly"), "Assembly", "organization"))
    entities, _ = group(found, text)
    assert [(e.name, e.aliases) for e in entities] == [("Kisumu County Assembly", ["Assembly"])]


def test_a_company_named_with_its_home_is_the_company_and_the_place():
    from counterwatch.extract import company_homes
    text = "The kit came from Ocula Sensors Co. of South Korea, and the Bank of America paid."
    found = company_homes.split([_org_at(text, "Ocula Sensors Co. of South Korea"), _org_at(text, "Bank of America")])
    assert [(m.text, m.label, text[m.start:m.end]) for m in found] == [
        ("Ocula Sensors Co.", "organization", "Ocula Sensors Co."), ("South Korea", "place", "South Korea"),
        ("Bank of America", "organization", "Bank of America")]


_ALIASES = """
from counterwatch.extract.entities import group
from counterwatch.findings import Mention
text = "Hong Kong. Hong Kong. HONG KONG. Hong-Kong. hong kong."
spans = [(0, 9), (11, 20), (22, 31), (33, 42), (44, 53)]
entities, _ = group([Mention(a, b, text[a:b], "place") for a, b in spans], text)
print(entities[0].aliases)
"""


def test_aliases_of_equal_length_come_out_in_one_order_whatever_the_hash_seed():
    import os
    import subprocess
    import sys

    runs = {subprocess.run([sys.executable, "-c", _ALIASES], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(1, 9)}
    assert runs == {"['HONG KONG', 'Hong-Kong', 'hong kong']\n"}
