"""Evidence paths through the actor network, across documents, with cited hops."""

from __future__ import annotations

import pytest

from counterwatch.ingest.source import Source
from counterwatch.query import graph
from counterwatch.query.paths import AmbiguousName, UnknownName, paths, prepare, resolve
from counterwatch.query.viewer import STAFF
from counterwatch.store import connect, store_extraction
from counterwatch.store.accounts import add_user, new_token
from counterwatch.store.review import review

DOC1 = ("Anna Berg, a professor at the Nordvik Institute of Genetics, said her lab is civilian. "
        "Anna Berg also worked with the Ministry of State Security on DNA databases, according to the report.")
DOC2 = ("The Ministry of State Security has collected DNA samples from residents of Kashgar since 2019, "
        "according to Human Rights Watch.")
DOC3 = "The Nordvik Institute of Geology denied any link to the ministry."


@pytest.fixture()
def engine(tmp_path, extractor):
    eng = connect(f"sqlite:///{tmp_path / 'p.sqlite'}")
    for i, text in enumerate([DOC1, DOC2, DOC3]):
        src = Source(uri=f"doc{i}.txt", text=text)
        store_extraction(eng, src, extractor(src))
    return eng


def test_path_crosses_documents_and_cites_every_hop(engine):
    g = graph.build(engine, STAFF)
    start = resolve(g, "Nordvik Institute of Genetics")
    goal = next(n for n, d in g.nodes(data=True) if d["kind"] == "deployment" and "Kashgar" in d["label"])
    found = paths(g, start, goal)
    assert found and found[0]["hops"] == 3
    hops = found[0]["path"]
    assert [h["predicate"] for h in hops] == ["affiliated_with", "collaborates_with", "operates"]
    assert hops[0]["source"] == "Anna Berg"  # the claim's own direction is kept
    assert len({h["source_id"] for h in hops}) == 2  # the path joins two reports
    for h in hops:
        assert h["quote"] in (DOC1 + DOC2)


def test_accepted_claims_only_by_default(engine):
    assert paths(graph.build(engine, STAFF.narrow(False)), *_ends(engine)) == []
    g = graph.build(engine, STAFF)
    for h in paths(g, *_ends(engine, g))[0]["path"]:
        review(engine, h["claim_id"], "accept", "ana")
    assert paths(graph.build(engine, STAFF.narrow(False)), *_ends(engine))[0]["hops"] == 3


def test_ambiguous_names_are_reported_not_guessed(engine):
    g = graph.build(engine, STAFF)
    with pytest.raises(AmbiguousName):
        resolve(g, "Nordvik Institute")


def test_a_prepared_graph_answers_from_what_it_built_once(engine):
    """prepare() builds the name index and search views up front: the first question pays nothing more
    (at 100k reports the name index alone took ~2 s of the first question)."""
    g = graph.build(engine, STAFF)
    simple, core = prepare(g)
    assert simple.number_of_edges() >= 3 and prepare(g) == (simple, core)  # kept, not rebuilt
    g.add_node("late", label="Zebra Holdings", kind="organization", aliases=[])  # after the index was built
    with pytest.raises(UnknownName):
        resolve(g, "Zebra Holdings")
    assert resolve(g, "Nordvik Institute of Genetics").startswith("e")


def _ends(engine, g=None):
    full = graph.build(engine, STAFF)
    start = resolve(full, "Nordvik Institute of Genetics")
    goal = next(n for n, d in full.nodes(data=True) if d["kind"] == "deployment")
    return start, goal


def test_exposure_report_and_path_api(engine, tmp_path):
    from fastapi.testclient import TestClient

    from counterwatch.query.exposure import exposure, to_html, to_markdown
    from counterwatch.web.app import create_app

    g = graph.build(engine, STAFF)
    items = exposure(g, resolve(g, "Nordvik Institute of Genetics"), hops=3)
    assert items and items[0]["distance"] == 3
    md = to_markdown("Nordvik Institute of Genetics", 3, items)
    assert "Kashgar" in md and "> " in md
    assert "<script" not in to_html("<script>x</script>", 3, items)
    client = TestClient(create_app(engine))
    ask = {"start": "Nordvik Institute of Genetics", "goal": "Ministry of State Security", "include_proposed": True}
    # nothing is accepted yet: asking for proposals does not show them to the public
    assert client.get("/api/path", params=ask).status_code == 404
    add_user(engine, "ana", "correct horse battery", "editor")
    editor = {"Authorization": f"Bearer {new_token(engine, 'ana')}"}
    r = client.get("/api/path", params=ask, headers=editor)
    assert r.status_code == 200 and r.json()["paths"][0]["hops"] == 2
    assert client.get("/api/path", params={**ask, "include_proposed": False}, headers=editor).status_code == 404
    assert client.get("/api/path", params={"start": "Nordvik Institute", "goal": "Kashgar", "include_proposed": True},
                      headers=editor).status_code == 409
    page = client.get("/path", params={"start": "Anna Berg", "goal": "Ministry of State Security", "proposed": "1"},
                      headers=editor)
    assert "collaborates_with" in page.text
    public = client.get("/path", params={"start": "Anna Berg", "goal": "Ministry of State Security", "proposed": "1"})
    assert "collaborates_with" not in public.text


def test_paths_through_the_core_match_every_simple_path_of_the_whole_graph():
    """The search runs on the 2-core with trees joined on; on small graphs with few paths it must
    find exactly what enumerating every simple path of the whole graph finds."""
    import random

    import networkx as nx

    from counterwatch.query.graph import EdgeClaim
    from counterwatch.register import REGISTER

    rng, compared = random.Random(3), 0
    for trial in range(60):
        g = nx.MultiDiGraph()
        for n in range(24):
            g.add_node(f"n{n}", label=f"n{n}", kind="entity", aliases=[])
        for j in range(rng.randint(22, 30)):
            u, v = rng.sample(range(24), 2)
            level = rng.choice(["documented", "reported", "alleged"])
            g.add_edge(f"n{u}", f"n{v}", weight=REGISTER.weight(level),
                       claim=EdgeClaim("collaborates_with", level, j, None, "quote", j))
        simple = nx.Graph(g.to_undirected())
        a, b = rng.sample(list(g.nodes), 2)
        every = list(nx.all_simple_paths(simple, a, b, cutoff=4))
        if len(every) > 10:
            continue
        compared += 1
        weight = lambda u, v: min(d["weight"] for d in [*g.get_edge_data(u, v, default={}).values(),  # noqa: E731
                                                         *g.get_edge_data(v, u, default={}).values()])
        cost = lambda p: round(sum(weight(u, v) for u, v in zip(p, p[1:])), 2)  # noqa: E731
        want = sorted((len(p) - 1, cost(p)) for p in every)[:3]
        got = [(p["hops"], p["cost"]) for p in paths(g, a, b, k=3, max_hops=4)]
        assert got == want, (trial, a, b)
    assert compared >= 30
