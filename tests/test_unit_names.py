"""A unit named with its parent is two actors and the part_of between them (extract/unit_names.py)."""

from __future__ import annotations

from counterwatch.extract import unit_names
from counterwatch.extract.entities import group
from counterwatch.findings import Mention


def _org(text: str, name: str) -> Mention:
    start = text.index(name)
    return Mention(start, start + len(name), name, "organization")


def test_a_unit_and_its_parent_become_two_mentions_with_exact_offsets():
    text = "The Cold Case Unit of the Southern Region Crime Command bought the software."
    whole = "Cold Case Unit of the Southern Region Crime Command"
    mentions, splits = unit_names.split([_org(text, whole)])
    assert [(m.text, text[m.start:m.end]) for m in mentions] == [
        ("Cold Case Unit", "Cold Case Unit"), ("Southern Region Crime Command", "Southern Region Crime Command")]
    assert [s.whole for s in splits] == [whole]


def test_names_that_are_one_body_stay_whole():
    text = "The Ministry of Internal Affairs of Kazakhstan and the University of Toronto and the Bureau of Prisons."
    names = ["Ministry of Internal Affairs of Kazakhstan", "University of Toronto", "Bureau of Prisons"]
    mentions, splits = unit_names.split([_org(text, n) for n in names])
    assert splits == [] and [m.text for m in mentions] == names
    person = Mention(0, 30, "Head of the Traffic Police Department", "person")  # only organizations are cut
    assert unit_names.split([person])[1] == []


def test_the_part_of_quotes_its_sentence_and_the_whole_name_stays_an_alias():
    text = ("Residents complained. The Security and Emergency Division of the Kiryat Adva Municipality runs the cameras. "
            "Kiryat Adva Municipality said nothing.")
    later = _org(text, "Kiryat Adva Municipality said")
    later = Mention(later.start, later.start + len("Kiryat Adva Municipality"), "Kiryat Adva Municipality", "organization")
    mentions, splits = unit_names.split([_org(text, "Security and Emergency Division of the Kiryat Adva Municipality"), later])
    entities, index = group(mentions, text)
    unit_names.add_aliases(entities, index, splits)
    sentences = [(0, 21), (22, 105), (106, len(text))]
    rels = unit_names.relations(splits, sentences, text, index)
    assert [(r.subject, r.predicate, r.object) for r in rels] == [
        ("Security and Emergency Division", "part_of", "Kiryat Adva Municipality")]
    assert rels[0].evidence.quote == text[22:105] and rels[0].pattern == unit_names.PATTERN
    unit = next(e for e in entities if e.name == "Security and Emergency Division")
    assert "Security and Emergency Division of the Kiryat Adva Municipality" in unit.aliases
    parent = next(e for e in entities if e.name == "Kiryat Adva Municipality")
    assert len(parent.mentions) == 2  # the parent inside the name joins its own later mention


def test_unit_and_parent_found_side_by_side_are_one_split_with_the_whole_name():
    text = ("The phone went to the Digital Forensics Laboratory of the Harbour Resort Police. "
            "The Harbour Resort Police's Operational Duty Unit kept it. The Ministry of Finance and the City Council met.")
    found = [_org(text, n) for n in ("Digital Forensics Laboratory", "Harbour Resort Police")]
    second = text.index("Harbour Resort Police's")
    found += [Mention(second, second + 21, "Harbour Resort Police", "organization"), _org(text, "Operational Duty Unit"),
              _org(text, "Ministry of Finance"), _org(text, "City Council")]
    mentions, splits = unit_names.split(found, text)
    assert [(s.whole, s.unit.text, s.parent.text) for s in splits] == [
        ("Digital Forensics Laboratory of the Harbour Resort Police", "Digital Forensics Laboratory", "Harbour Resort Police"),
        ("Harbour Resort Police's Operational Duty Unit", "Operational Duty Unit", "Harbour Resort Police")]
    assert mentions == found  # the names themselves stay as found: "and" joins two bodies, not a unit

