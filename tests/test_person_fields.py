"""Persons listed in the fields of a page's short lines (extract/person_fields.py)."""

from __future__ import annotations

from counterwatch.extract import person_fields


def _lines(text: str) -> list[tuple[int, int]]:
    ends, pos = [], 0
    for line in text.split("\n"):
        ends.append((pos, pos + len(line)))
        pos += len(line) + 1
    return ends


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.text, text[m.start:m.end]) for m in person_fields.mentions(text, _lines(text))]


def test_a_bench_an_attendance_and_a_contact_give_persons_without_titles_with_exact_offsets():
    text = ("In the High Court at Marlow\n"
            "Bench: Justice Aiko Brandt, Justice Omar Feld\n"
            "3. Apologies: Cr Peter Dunne.\n"
            "Present: Mayor Linda Ashcroft; Deputy Mayor Tom Reyes (Chair)\n"
            "Contact person: Milena Vujović, Head of the Procurement Division, e-mail: x@y.example\n")
    found = _found(text)
    assert [name for name, _ in found] == ["Aiko Brandt", "Omar Feld", "Peter Dunne", "Linda Ashcroft", "Tom Reyes",
                                           "Milena Vujović"]
    assert all(name == at for name, at in found)


def test_bylines_menus_and_roles_give_no_person():
    text = ("By Priya Menon and Khalid Suwaidi | Ras Al Khaimah | 12 March 2024\n"
            "About | Reports | Contact\n"
            "Contact: press office, 9 to 5\n"
            "Chair: Finance Committee\n")
    assert _found(text) == []


def test_the_rest_of_a_persons_field_names_the_body_they_belong_to():
    text = ("Invitee: Shri Vikram Bhosle, Deputy Commissioner, Kesarpur Police Commissionerate\n"
            "Present: Cr Ana Ruiz, Cr Tom Reyes (Harlow Rights Forum)\n"
            "Authors: Lin Pei and Huang Yu\n"
            "Contact person: Milena Vujović, Head of Procurement\n")
    lines = _lines(text)
    index = {(m.start, m.end): m.text for m in person_fields.mentions(text, lines)}
    orgs = {"Kesarpur Police Commissionerate": ["Kesarpur Police Commissionerate"],
            "Harlow Rights Forum": ["Harlow Rights Forum", "HRF"], "Formosa Lab": ["Formosa Lab"]}
    got = person_fields.relations(text, lines, index, orgs, author="Formosa Lab")
    assert [(r.subject, r.predicate, r.object) for r in got] == [
        ("Vikram Bhosle", "affiliated_with", "Kesarpur Police Commissionerate"),
        ("Tom Reyes", "affiliated_with", "Harlow Rights Forum"),  # Ana Ruiz's part of the field names no body
        ("Lin Pei", "affiliated_with", "Formosa Lab"), ("Huang Yu", "affiliated_with", "Formosa Lab")]
    assert all(text[r.evidence.start:r.evidence.end] == r.evidence.quote for r in got)
    assert got[0].evidence.quote == text.split("\n")[0]
    assert person_fields.relations(text, lines, index, orgs, author=None)[2:] == []  # authors of no known body
