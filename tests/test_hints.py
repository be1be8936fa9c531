"""Hints the parse alone misses: country cues of unparsed lines, the look of unknown place names,
organizations named again by their kind, supplies implied without a sentence naming both, and
funding stated of the program rather than of a named recipient, and bodies named by a person's title."""

from __future__ import annotations

from counterwatch.extract import coreference, place_shapes
from counterwatch.extract.country_cues import line_cues
from counterwatch.extract.learned import Refiner
from counterwatch.extract.linear import LinearModel
from counterwatch.findings import Entity
from counterwatch.ingest.source import Source


def _line(text: str) -> list[tuple[str, str]]:
    return [(c.country, text[c.start:c.end]) for c in line_cues(text, 0, len(text))]


def test_header_lines_give_currencies_demonyms_and_countries():
    assert ("KR", "KRW") in _line("Estimated value: KRW 4,500,000,000 (VAT included)")
    assert ("SE", "Swedish") in _line("Domstolsarkivet - Swedish court decisions (English summaries)")
    assert ("CL", "Chile") in _line("Portal de Compras Municipales - Sur de Chile")
    assert _line("Home | Search decisions | About | Contact") == []
    cues = line_cues("Tender notice, page 2: Mombasa", 7, 13)  # only the span asked for
    assert cues == []


def test_unknown_place_names_lean_to_the_countries_they_look_from():
    for name, country in [("Norrhamnsvik", "SE"), ("Kotabaru Selatan", "ID"), ("Zarechensk", "RU")]:
        ranked = place_shapes.likely_countries(name)
        assert ranked[0][0] == country, (name, ranked)
        probs = [p for _, p in ranked]
        assert probs == sorted(probs, reverse=True) and sum(probs) <= 1.0 + 1e-9
    assert place_shapes.likely_countries("123 --") == ()


def _resolve(text: str, entities: list[Entity]) -> dict[str, str]:
    index = {}
    for e in entities:
        start = text.index(e.name)
        index[(start, start + len(e.name))] = e.name
    spans, pos = [], 0
    for sentence in text.split(". "):
        spans.append((pos, pos + len(sentence) + 1))
        pos += len(sentence) + 2
    got = coreference.resolve(text, spans, {e.name: e for e in entities}, index)
    return {f"{text[a:b]}@{a}": name for (a, b), name in got.items()}


def test_the_kind_of_an_organization_names_it_again():
    text = ("Norrhamn Municipality flies drones over the park. Skyvakt Nordic AB supplies them. "
            "The drones are run by the municipality's security unit. The company declined to comment. "
            "The court heard the ministry of justice. The municipalities disagree.")
    ents = [Entity("Norrhamn Municipality", "place"), Entity("Skyvakt Nordic AB", "organization")]
    got = _resolve(text, ents)
    assert got[f"municipality@{text.index('municipality')}"] == "Norrhamn Municipality"
    assert got[f"company@{text.index('company')}"] == "Skyvakt Nordic AB"
    assert not any(k.startswith(("court", "ministry", "municipalities")) for k in got)


def test_a_kind_names_only_a_recent_organization():
    text = "Vantix Ltd won. " + "Nothing happened then. " * 8 + "The company was paid."
    assert _resolve(text, [Entity("Vantix Ltd", "organization")]) == {}


def test_implied_supplies_cite_the_supplier_sentence_when_none_names_both(extractor):
    text = ("The Harlow Police Service has used face recognition cameras in London since 2021. "
            "The cameras were installed by Vantix Ltd under a four-year contract.")
    # a roles model that knows the two names: the relation model never fires, so the relation is implied
    roles = LinearModel(("none", "operator", "supplier"), {"nw=harlow": (0, 6, 0), "nw=vantix": (0, 0, 6)}, (2, 0, 0))
    never = LinearModel(("none", "supplies>"), {}, (9, 0))
    refiner = Refiner({"roles": roles, "relations": never}, {}, "test")
    _, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    refiner.refine(ctx)
    rel = [r for r in ctx.relations if r.predicate == "supplies"]
    assert [(r.subject, r.object) for r in rel] == [("Vantix Ltd", "Harlow Police Service")]
    assert rel[0].evidence.quote.startswith("The cameras were installed by Vantix Ltd")
    assert text[rel[0].evidence.start:rel[0].evidence.end] == rel[0].evidence.quote


def test_funding_of_the_program_funds_the_top_of_its_operators_chain(extractor):
    text = ("The Harlow Police Service has used face recognition cameras in London since 2021. "
            "The purchase was financed by a loan from the Brenmoor Community Fund. "
            "This research was funded by the Tallis Trust.")
    roles = LinearModel(("none", "operator", "supplier"), {"nw=harlow": (0, 6, 0)}, (2, 0, 0))
    never = LinearModel(("none", "funds>"), {}, (9, 0))
    _, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    Refiner({"roles": roles, "relations": never}, {}, "test").refine(ctx)
    funds = [r for r in ctx.relations if r.predicate == "funds"]
    # the report's own funding is its author's, not the program's: no relation is proposed for it
    assert [(r.subject, r.object) for r in funds] == [("Brenmoor Community Fund", "Harlow Police Service")]
    assert funds[0].evidence.quote == "The purchase was financed by a loan from the Brenmoor Community Fund."
    assert text[funds[0].evidence.start:funds[0].evidence.end] == funds[0].evidence.quote


def test_a_reports_own_funding_funds_the_author_its_masthead_names(extractor):
    body = ("The Harlow Police Service has used face recognition cameras in London since 2021, "
            "according to a report by Orvik Rights Watch. This research was funded by the Tallis Trust.")
    never = LinearModel(("none", "funds>"), {}, (9, 0))
    roles = LinearModel(("none", "operator", "supplier"), {"nw=harlow": (0, 6, 0)}, (2, 0, 0))

    def funds(text: str) -> list[tuple[str, str]]:
        _, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
        Refiner({"roles": roles, "relations": never}, {}, "test").refine(ctx)
        return [(r.subject, r.object, r.evidence.quote) for r in ctx.relations if r.predicate == "funds"]
    assert funds("Orvik Rights Watch | Home | Reports | Donate\n\nREPORT | 3 May 2025\n\n" + body) == [
        ("Tallis Trust", "Orvik Rights Watch", "This research was funded by the Tallis Trust.")]
    assert funds(body) == []  # a page that opens with prose names no author: nothing is proposed


def test_a_funder_or_supplier_named_after_its_counterpart_links_to_it():
    from counterwatch.extract import program_links
    def stated(text: str, names: list[str]) -> list[tuple[str, str, str | None]]:
        at = [(text.index(n), text.index(n) + len(n), n) for n in names]
        orgs = lambda n: n != "Lin Tang"
        return [(link.predicate, actor, other) for link, actor, other in program_links.stated(text, (0, len(text)), at, orgs, lambda n: True)]
    assert stated("Orvik Lab is a think tank funded in part by the Tallis Trust.", ["Orvik Lab", "Tallis Trust"]) == [
        ("funds", "Tallis Trust", "Orvik Lab")]
    assert stated("The scanners were installed by Kestrel Systems Ltd.", ["Kestrel Systems Ltd"]) == [("supplies", "Kestrel Systems Ltd", None)]
    assert stated("Lin Tang, who received funding of $2,000 from the Tallis Trust, left.", ["Lin Tang", "Tallis Trust"]) == [
        ("funds", "Tallis Trust", "Lin Tang")]  # a person receives; only an organization funds
    assert stated("Orvik Lab thanked the Tallis Trust.", ["Orvik Lab", "Tallis Trust"]) == []


def test_a_title_names_the_body_a_person_belongs_to():
    from counterwatch.extract import titles
    orgs = ["National Customs Authority", "Ministry of Health", "Prefeitura de Itaqui", "Lindel Trust"]
    text = "The seals work, Customs director Ana Ruiz said."
    assert titles.title_before(text, 0, text.index("Ana")) == ["Customs", "director"]
    assert titles.body_of(["Customs", "director"], orgs) == "National Customs Authority"
    assert titles.body_of(["Mayor"], orgs) == "Prefeitura de Itaqui"  # a role alone points to its kind of body
    text = "It works, the trust's coordinator, Ana Ruiz, said."
    assert titles.body_of(titles.title_before(text, 0, text.index("Ana")), orgs) == "Lindel Trust"
    assert titles.title_before("Yesterday Ana Ruiz said.", 0, 10) is None  # no role word: no title
    assert titles.body_of(["Health", "and", "customs", "director"], orgs) is None  # two bodies fit as well


def test_a_titled_person_no_relation_places_is_affiliated_with_the_body_named_before(extractor):
    text = ("The National Customs Authority tracks trucks with GPS seals in Panama. "
            "Customs director Itzel Ramos said two trucks were caught.")
    never = LinearModel(("none", "affiliated_with>"), {}, (9, 0))
    _, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    Refiner({"relations": never}, {}, "test").refine(ctx)
    got = [r for r in ctx.relations if r.predicate == "affiliated_with"]
    assert [(r.subject, r.object) for r in got] == [("Itzel Ramos", "National Customs Authority")]
    assert got[0].evidence.quote == text  # from the body's mention to the person's sentence


def test_technologies_the_report_implies_are_added_and_unlikely_ones_taken_out(extractor):
    text = ("The Harlow Police Service runs number plate recognition cameras in London. "
            "Officers also carry body cameras and fingerprint scanners.")
    _, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    held = {t for d in ctx.deployments for t in d.technologies}
    assert {"license_plate_recognition", "body_camera", "fingerprint"} <= held and "vehicle_tracking" not in held
    # plate readers imply vehicle tracking; fingerprints are not believed; every other id is a plain no
    techs = LinearModel(("no", "yes"), {"t=vehicle_tracking&with=license_plate_recognition": (0, 8),
                                        "t=license_plate_recognition": (0, 8), "t=body_camera": (0, 8),
                                        "t=fingerprint": (0, 2)}, (0, -4))
    Refiner({"technologies": techs}, {"technology": 0.9, "tech_drop": 0.2}, "test").refine(ctx)
    got = [t for d in ctx.deployments for t in d.technologies]
    assert "vehicle_tracking" in got and got.count("vehicle_tracking") == 1
    assert "fingerprint" not in got  # p = 0.12: out of every deployment that holds another technology
    assert {"license_plate_recognition", "body_camera"} <= set(got)


def test_a_place_no_gazetteer_knows_is_no_country_hint(extractor):
    from counterwatch.extract import features as F
    text = ("The Qworvanetz City Police said on Monday that face recognition cameras now watch the market of "
            "Qworvanetz, officials in Beirut said. In Qworvanetz, residents object.")
    x, ctx = extractor.contexts([Source(uri="t.txt", text=text)])[0]
    unknown = [e for e in ctx.entities.values() if e.type == "place" and e.name == "Qworvanetz"]
    assert unknown and all(e.kind == "guessed" and e.country == "LB" for e in unknown)
    assert F.country_votes(ctx, None, "entity") == {"LB": 1.0}  # Beirut's one mention, not the guesses
