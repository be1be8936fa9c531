"""Persons listed in the fields of a page's short lines (extract/person_fields.py)."""

from __future__ import annotations

from counterwatch.extract import person_fields


def _found(text: str) -> list[tuple[str, str]]:
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    return [(m.text, text[m.start:m.end]) for m in person_fields.mentions(text, lines)]


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
