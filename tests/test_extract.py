"""Extraction behaviour on small texts written for the tests."""

from __future__ import annotations

import pytest

from counterwatch.extract import certainty, technologies
from counterwatch.extract.nlp import load_nlp
from counterwatch.ingest.debris import body_spans

REPORT = (
    "Police expand face scanning in Chennai\n\n"
    "The Greater Chennai Police has installed facial recognition cameras at 50 junctions in Chennai since March 2021, "
    "according to Human Rights Watch (HRW). The cameras were supplied by Hikvision, records show.\n\n"
    "Priya Raman, a researcher at Human Rights Watch, said the cameras scan every commuter. "
    "HRW also found that the force allegedly used iris scans and ALPR readers on highways.\n\n"
    "Comments\n\nAnonymous Coward says:\nRamesh Kumar of Clearview AI told me they sell to everyone.\n"
)


def _tech_ids(text: str) -> set[str]:
    return {t.tech for t in technologies.find(text)}


def test_synonym_lexicon_maps_phrases_to_taxonomy_ids():
    assert _tech_ids("they took iris scans") == {"iris_recognition"}
    assert "license_plate_recognition" in _tech_ids("ALPR cameras on the ring road")
    assert _tech_ids("phones infected with Pegasus") == {"spyware"}
    assert "dna_collection" in _tech_ids("collecting DNA samples from residents")
    assert _tech_ids("the predator was caught") == set()  # product names are case-sensitive


def test_certainty_cascade_keeps_the_cue():
    assert certainty.classify("The ministry denied using the cameras.")[0] == "denied"
    assert certainty.classify("The database could be used against dissidents.") == ("speculative", "could")
    assert certainty.classify("Police allegedly bought the software.") == ("alleged", "allegedly")
    assert certainty.classify("The police confirmed the contract.")[0] == "documented"
    assert certainty.classify("The police use the cameras.") == ("reported", None)


def test_entities_aliases_and_no_names_from_comments(run):
    data = run(REPORT)
    names = {e["name"]: e for e in data["entities"]}
    assert "HRW" in names["Human Rights Watch"]["aliases"]
    assert names["Priya Raman"]["type"] == "person"
    assert names["Chennai"]["country"] == "IN"
    assert "Ramesh Kumar" not in names and "Anonymous Coward" not in names and "Clearview AI" not in names


def test_a_defined_alias_used_on_its_own_is_the_same_entity(run):
    # the alias is no acronym of the name's initials, so only its definition ties the two
    data = run("The National Identity Authority (NIDA) registers every resident's iris scans. "
               "In a statement, NIDA said the database now holds 40 million records.")
    holding = [e["name"] for e in data["entities"] if "NIDA" in (e["name"], *e.get("aliases", []))]
    assert holding == ["National Identity Authority"]


def test_deployment_fields_and_exact_evidence(run):
    data = run(REPORT)
    dep = next(d for d in data["deployments"] if "face_recognition" in d["technologies"])
    assert dep["country"] == "IN"
    assert any("Chennai Police" in op for op in dep["operators"])
    assert "Hikvision" in dep["suppliers"]
    assert dep["start"] == "2021-03"
    assert dep["status"] == "ongoing"
    for span in dep["evidence_spans"]:
        assert REPORT[span["start"]:span["end"]] == span["quote"]
    allegation = next(d for d in data["deployments"] if "iris_recognition" in d["technologies"])
    assert allegation["certainty"] == "alleged"


def test_relations_with_certainty_and_evidence(run):
    text = ("Lena Vogel, a professor at the Institute for Applied Vision, said the work was civilian. "
            "The Institute for Applied Vision received annual funding from the European Research Council. "
            "Tarnwell Systems reportedly supplied drones to the Ministry of Interior.")
    rels = {(r["subject"], r["predicate"], r["object"]): r for r in run(text)["relations"]}
    assert ("Lena Vogel", "affiliated_with", "Institute for Applied Vision") in rels
    assert ("European Research Council", "funds", "Institute for Applied Vision") in rels
    assert rels[("Tarnwell Systems", "supplies", "Ministry of Interior")]["certainty"] == "alleged"
    for r in rels.values():
        assert r["evidence"] in text


def test_known_ner_failures_are_corrected(run):
    text = ("Falun Gong practitioners and Uyghurs were photographed by police in Urumqi, "
            "according to a story by Follow The Money and The Citizen Lab.")
    data = run(text)
    names = {e["name"] for e in data["entities"]}
    assert not names & {"Falun Gong", "Uyghurs"}
    assert {"Follow The Money", "The Citizen Lab"} <= names


def test_model_is_loaded_once():
    assert load_nlp() is load_nlp()


def test_debris_keeps_offsets_and_skips_chrome():
    spans = body_spans(REPORT)
    lines = [REPORT[a:b] for a, b in spans]
    assert lines[0].startswith("The Greater Chennai Police")
    assert not any("Anonymous" in line or "Ramesh" in line for line in lines)


@pytest.mark.parametrize("marker", ["Related", "RELATED", "Related:", "Also in Investigations", "Read next", "More in Tech"])
def test_a_related_links_list_ends_the_article(marker):
    body = ("The city council of Arvenmoor voted on Tuesday to extend its contract for street cameras with "
            "Lumenwatch for three more years, after a debate that lasted well into the night and drew a crowd of "
            "residents who asked who may see the footage.")
    text = f"{body}\n\n{marker}\n- Police in Dunmere buy face recognition cameras from Optivance.\n"
    assert [text[a:b] for a, b in body_spans(text)] == [body]
    listed = f"{body}\n\nRelated releases: Lumenwatch wins award | Lumenwatch opens Dubai office\n\n{body}\n"
    assert [listed[a:b] for a, b in body_spans(listed)] == [body, body]  # a link list on one line is debris wherever it stands
    assert body_spans(f"{body}\n\nRelated links are listed in the annex to the council's decision of 4 May.\n")[1:]  # a sentence, not a marker


def test_program_names_are_not_actors_and_appositions_give_roles(run):
    text = ("The Zambian government began collecting fingerprints of citizens in 2019 for a register "
            "known as Kanta Rolo. Veritex, the company that supplied the fingerprint scanners, declined to comment.")
    data = run(text)
    names = {e["name"] for e in data["entities"]}
    assert "Kanta Rolo" not in names
    dep = data["deployments"][0]
    assert dep["operators"] == ["Zambian government"]
    assert "Veritex" in dep["suppliers"]


def test_hard_wrapped_text_reads_like_paragraphs(run):
    text = ("Police in Rosario have used live facial recognition cameras supplied by\n"
            "Hikvision at the central station since 2022, according to a report by\n"
            "Amnesty International.\n")
    dep = run(text)["deployments"][0]
    assert dep["technologies"] == ["face_recognition"] and dep["country"] == "AR"
    assert "Hikvision" in dep["suppliers"]
    assert all(q in text for q in dep["evidence"])


def test_giant_single_line_is_cut_for_the_parser(run):
    sentence = "The city police of Lyon operate drones over the harbour every night. "
    text = sentence * 700  # ~48k characters on one line, over the parser piece size
    data = run(text)
    assert data["deployments"] and data["deployments"][0]["technologies"] == ["drone"]
    assert all(text[s["start"]:s["end"]] == s["quote"] for s in data["deployments"][0]["evidence_spans"])


def test_a_name_the_parser_cut_after_of_the_is_joined_to_its_parent():
    from spacy.tokens import Span
    from counterwatch.extract.entities import Block, raw_mentions
    text = "The Traffic Enforcement Division of the Municipal Police of Korvash read the plates of every car."
    doc = load_nlp()(text)
    cut = doc.char_span(text.index("Traffic"), text.index(" Municipal"))  # where a parser may stop
    doc.ents = [Span(doc, cut.start, cut.end, label="ORG")]
    assert [m.text for m in raw_mentions([Block(doc, 0)])] == ["Traffic Enforcement Division of the Municipal Police of Korvash"]


def test_a_register_pages_fields_set_country_operators_and_start(run):
    from counterwatch.extract import infobox
    page = ("Biometric gates at the Port of Valdeluna\n\n"
            "Deployment Status    Ongoing (gates); Suspended (blood tests)\n"
            "Country              Chile\n"
            "Location             Valdeluna, Los Ríos Region\n"
            "Operator             Empresa Portuaria Valdeluna (EPV); Harbour Police of Valdeluna\n"
            "Supplier             Northgate Iris Inc. (Canada)\n"
            "In use since         March 2021\n\n"
            "Since March 2021 every worker entering the port must pass turnstiles that scan the iris, which "
            "Northgate Iris Inc., a company based in Toronto, Canada, supplied to the port authority.\n")
    lines, pos = [], 0
    for line in page.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    box = infobox.read(page, lines)
    assert [v for v, _ in box.values["operator"]] == ["Empresa Portuaria Valdeluna", "Harbour Police of Valdeluna"]
    assert box.first("status")[0] == "Ongoing" and box.first("start")[0] == "March 2021"
    assert box.first("place")[0] == "Valdeluna"
    data = run(page)
    assert data["deployments"] and all(d["country"] == "CL" for d in data["deployments"])  # not the supplier's Canada
    dep = data["deployments"][0]
    assert "Empresa Portuaria Valdeluna" in dep["operators"] and dep["start"].startswith("2021-03")
