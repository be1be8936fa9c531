"""Country hints beyond the gazetteer's places, and the place look-ups they rest on."""

from __future__ import annotations

from counterwatch.extract import places
from counterwatch.extract.country_cues import cues
from counterwatch.extract.nlp import load_nlp


def _cues(text: str) -> list[tuple[str, str, str]]:
    doc = load_nlp()(text)
    return [(c.kind, c.country, text[c.start:c.end]) for s in doc.sents for c in cues(s, 0)]


def test_agencies_currencies_and_based_phrases_point_to_a_country():
    text = ("The Toronto Police Service paid 40 crore rupees to Halden Systems, a Dhaka-based integrator, "
            "and the Kazakh Interior Ministry asked the Lok Sabha nothing.")
    found = _cues(text)
    assert ("org", "CA", "The Toronto Police Service") in found
    assert ("based", "BD", "Dhaka-based") in found
    assert ("civic", "IN", "Lok Sabha") in found
    rupees = {c for kind, c, w in found if w == "rupees"}
    assert {"IN", "PK", "LK", "NP"} <= rupees  # a shared currency votes for each of its countries
    doc = load_nlp()(text)
    weights = {c.country: c.weight for s in doc.sents for c in cues(s, 0) if text[c.start:c.end] == "rupees"}
    assert abs(sum(weights.values()) - 1.0) < 1e-9


def test_a_cue_inside_a_longer_name_is_not_taken():
    found = _cues("Officers of the Dhaka Metropolitan Police read the plates.")
    assert not any(kind == "civic" and c == "GB" for kind, c, _ in found)
    assert any(c == "BD" for _, c, _ in found)


def test_provinces_beat_small_namesakes_and_common_words_are_no_places():
    assert places.country_of("Ontario") == "CA"  # not Ontario, California
    assert places.country_of("Hyderabad") in {"IN", "PK"}  # a big city keeps its name
    assert places.country_of("Police") is None  # a Polish town, but in "Police Commissionerate" a word
    assert places.big_place("Kabul") == "AF"


def test_a_national_capital_keeps_its_name_against_a_province_abroad():
    assert places.country_of("San José") == "CR"  # not Uruguay's San José department
    assert places.country_of("Paramaribo") == "SR"
    assert places.country_of("Victoria") == "AU"  # the Seychelles' capital is too small to win


def test_a_one_word_place_inside_a_longer_place_name_gives_no_hint():
    found = _cues("The Harlow Springs Police Department and the Dhaka Metropolitan Police bought sensors.")
    assert ("org", "BD", "the Dhaka Metropolitan Police") in found
    assert not [c for c in found if c[1] == "GB"]  # Harlow, England is not Harlow Springs


def _org_cues(text: str, org: str) -> list[tuple[str, str]]:
    """The cues of a text whose one organization is `org`, tagged by hand so the parser's guess does not matter."""
    from spacy.tokens import Span
    doc = load_nlp().make_doc(text)
    span = doc.char_span(text.index(org), text.index(org) + len(org))
    doc.ents = [Span(doc, span.start, span.end, label="ORG")]
    return [(c.country, text[c.start:c.end]) for c in cues(doc[:], 0) if c.kind == "org"]


def test_the_place_a_name_is_of_points_to_its_country():
    court = "District Court of Kotabaru Selatan"
    assert _org_cues(f"The {court} ruled.", court) == [("ID", court)]  # a point of the compass after a known town
    ministry = "Ministry of Interior of Serbia"
    assert _org_cues(f"The {ministry} replied.", ministry) == [("RS", ministry)]
    chapter = "Open Streets Taiwan"
    assert _org_cues(f"{chapter} wrote to the bureau.", chapter) == [("TW", chapter)]  # a country's own chapter
    assert _org_cues("Open Streets Lab wrote to the bureau.", "Open Streets Lab") == []
    town = "Municipality of San Rafael de Oreamuno"
    assert _org_cues(f"The {town} replied.", town) == []  # "San Rafael" alone lies elsewhere; the whole name is unknown


def test_country_abbreviations_are_countries():
    assert places.country_of("UAE") == "AE" and places.is_country("UAE")
    assert places.country_of("PRC") == "CN"


def test_a_masthead_names_its_big_city_but_not_the_towns_inside_a_longer_name():
    from counterwatch.extract.country_cues import line_cues
    def hints(line: str) -> list[tuple[str, str]]:
        return [(line[c.start:c.end], c.country) for c in line_cues(line, 0, len(line))]
    assert ("Kathmandu", "NP") in hints("Kathmandu Chronicle | National | Politics")
    assert hints("The Harlow Springs Courier | Sports | Obituaries") == []
    assert hints("HARLOW SPRINGS -- On a warm night") == []
    assert ("Taiwan", "TW") in hints("Open Streets Taiwan | Reports")
    assert ("Tex.", "US") in hints("By Ana Ruiz | Marfa, Tex. | May 2, 2025")  # a dateline's state, known with its point


def test_short_other_spellings_of_cities_are_no_places():
    assert places.country_of("Te") is None  # an other spelling of Dezhou, and the Maori article of "Te Awaroa"
    assert places.country_of("Von") is None
    assert places.country_of("Osh") == "KG"  # a city's own short name stays
    assert places.country_of("Basra") == "IQ"  # a longer other spelling stays


def test_a_country_named_only_in_the_lines_no_parser_reads_is_the_reports():
    from counterwatch.extract import Extractor
    from counterwatch.ingest.source import Source
    text = ("Tender notice\nContracting authority: Municipal Office of Halvik\n"
            "Estimated value: KRW 1,200,000,000\n\n"
            "The Halvik Municipal Police will install face recognition cameras at the Halvik bus terminal "
            "from March 2026, the municipal office said.\n")
    found = Extractor(model_dir=None)(Source(uri="tender.txt", text=text))
    assert [(d.country, d.technologies) for d in found.deployments] == [("KR", ["face_recognition"])]
