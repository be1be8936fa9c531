"""Full-text search over claims: SQLite FTS5 when embedded, PostgreSQL full text on the server.

Results are records (deployments, entities, relations) ranked by their best matching claim, each
with the quote, its source and a highlighted snippet. User input never reaches the query syntax:
words are quoted for FTS5 and go through websearch_to_tsquery on PostgreSQL.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import asdict, dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from counterwatch.limits import LIMITS
from counterwatch.query.viewer import Viewer
from counterwatch.register import REGISTER
from counterwatch.store import survivors
from counterwatch.store.facets import token as facet_token

DEFAULT_LIMIT = 20
_INDEXED = {f.filter: name for name, f in REGISTER.facets.items() if name != "certainty"}  # filter: field (a
# record's facets; a claim's certainty is its own token)
_ACTOR_FIELDS = ", ".join(f"'{name}'" for name in REGISTER.entity_fields)
RANK_POOL = 2000  # the newest matching claims are ranked, enough for any page of hits: ranking every
# match of a common word grew with the register (100 ms at 10k reports, seconds at 100k)
RECENT_WINDOW = 5_000  # PostgreSQL: the newest claims read in id order before the text index is asked
WALK_ON_RATE = 0.15  # PostgreSQL: above this share of claims matching, walk on (~0.6 µs a claim) rather than
# ask the index (~0.13 µs a claim of the buckets spanned and ~3 µs a match fetched), measured at 100k reports
BUCKET_BITS = 16  # PostgreSQL: the index knows each claim's id bucket, id >> 16 (migration 0011)
COARSE_BITS = 19  # and its coarse bucket, id >> 19: more common than a word, so GIN scans the word, not it
MAX_BUCKETS = 4  # PostgreSQL: GIN scans an OR of fine buckets rarer than the words (1.7 s for 30 at 100k)
_BUCKETED = ("(c.claim_fts_vector || ('idb_' || (c.id >> 16)::text || ' idc_' || (c.id >> 19)::text "
             "|| ' review_' || c.status)::tsvector)")  # the indexed expression (migrations 0011, 0012)
K1, B, AVG_CHARS = 1.2, 0.75, 160  # BM25's constants; a claim's quote is about one sentence
_WORD = re.compile(r"\w+", re.UNICODE)


class QueryError(ValueError):
    """A query past the bounds of data/limits.yml: the caller answers it with one clear line (400)."""


@dataclass
class Hit:
    record_type: str
    record_id: int
    name: str
    field: str
    certainty: str
    quote: str
    snippet: str
    start: int
    end: int
    source_id: int
    source_title: str | None
    source_uri: str
    score: float

    def as_dict(self) -> dict:
        return asdict(self)


_RECORD_NAME = """CASE c.record_type
    WHEN 'deployment' THEN (SELECT d.name FROM deployment d WHERE d.id = c.record_id)
    WHEN 'entity' THEN (SELECT e.name FROM entity e WHERE e.id = c.record_id)
    ELSE c.value END"""


def _has_claim(fields: str, op: str, param: str, viewer: Viewer) -> str:
    """The record of the hit has a claim `viewer` sees whose field is one of `fields` and whose value matches."""
    return (f"EXISTS (SELECT 1 FROM claim f WHERE f.record_type = c.record_type AND f.record_id = c.record_id "
            f"AND f.field IN ({fields}) AND {op.format(v='f.value', p=':' + param)}{viewer.visible_sql('f')})")


def search(engine: Engine, viewer: Viewer, query: str, limit: int = DEFAULT_LIMIT, certainty: str | None = None,
           country: str | None = None, technology: str | None = None, status: str | None = None,
           year: int | None = None, actor: str | None = None) -> list[Hit]:
    """Records whose claims match `query`, best first, one hit per record; filters narrow to records
    whose claims have that certainty, country, technology, status, start year or actor. Only claims
    `viewer` sees, redacted for it; words naming a protected person are dropped from a redacting
    viewer's query, so the answer for one is the answer for an unknown name."""
    found = _WORD.findall(query)
    if len(found) > LIMITS.query_words:  # each word is a term of the match: cost grows past linear with them
        raise QueryError(f"query has {len(found)} words; at most {LIMITS.query_words} are searched")
    if not 1 <= limit <= LIMITS.page_size_max:
        raise QueryError(f"limit must be between 1 and {LIMITS.page_size_max}")
    words = [w for w in found if not viewer.redactor.names(w)]
    if not words:
        return []
    filters, params = [], {"limit": limit * 5}
    sqlite = engine.dialect.name == "sqlite"
    tags = []  # the index (migration 0010) holds the facets (store/facets.py): words and facets meet in one query
    if certainty:
        tags.append(facet_token("certainty", certainty))
    facets = [("country", "{v} = {p}", country and country.upper()), ("technology", "{v} = {p}", technology),
              ("status", "{v} = {p}", status), ("year", "substr({v}, 1, 4) = {p}", year and str(year)),
              ("actor", "lower({v}) LIKE {p}", actor and f"%{actor.lower()}%")]
    for param, op, value in facets:
        fields = f"'{_INDEXED[param]}'" if param in _INDEXED else _ACTOR_FIELDS
        if value and param in _INDEXED:
            tags.append(facet_token(_INDEXED[param], value))
        if value and (param not in _INDEXED or not viewer.sees("proposed")):
            # the indexed facets come from all of a record's claims: a viewer who may not see proposals
            # has the value checked against the claims it sees, or a filter would confirm an unreviewed one
            filters.append(_has_claim(fields, op, param, viewer))
            params[param] = value
    where = "".join(f" AND {f}" for f in filters) + viewer.visible_sql("c")
    # the review status is indexed too (migration 0012): a viewer of one status (the public) has the
    # index intersect it with the words instead of walking every match past the proposals
    statuses = [f"review_{viewer.statuses[0]}"] if len(viewer.statuses) == 1 else []
    if sqlite:
        params["q"] = " ".join('"' + w.replace('"', "") + '"' for w in words) + \
            "".join(f' AND claim_fts_facets : "{tag}"' for tag in [*tags, *statuses])
        params["pool"] = RANK_POOL
        params |= {f"w{i}": " " + w.lower() for i, w in enumerate(words)}
        # FTS5 hands matches over newest first and stops at the pool; snippets only for the hits shown
        sql = f"""WITH pool AS MATERIALIZED (
                    SELECT claim_fts.rowid AS id, ' ' || lower(c.quote || ' ' || coalesce(c.value, '')) AS doc
                    FROM claim_fts JOIN claim c ON c.id = claim_fts.rowid
                    WHERE claim_fts MATCH :q{where} ORDER BY claim_fts.rowid DESC LIMIT :pool),
                  tf AS MATERIALIZED (SELECT id, length(doc) AS n, {_tf_sql(len(words))} FROM pool),
                  top AS (SELECT id, {_bm25_sql(len(words))} AS score FROM tf ORDER BY score DESC LIMIT :limit)
                  SELECT c.record_type, c.record_id, {_RECORD_NAME} AS name, c.field, c.certainty, c.quote,
                  NULL AS snippet, c.start, c."end", c.source_id, s.title, s.uri, top.score, c.id
                  FROM top JOIN claim c ON c.id = top.id JOIN source s ON s.id = c.source_id
                  ORDER BY top.score DESC"""
    else:
        params["q"], params["pool"] = " ".join(words), RANK_POOL
        params["tags"] = " & ".join(f"'{tag}'" for tag in tags) or None  # tokens are \\w only
        match = "(websearch_to_tsquery('english', :q) && CAST(:tags AS tsquery))" if tags else \
            "websearch_to_tsquery('english', :q)"
        # the pool comes ranked (_pg_newest): only the best claims are read again, for what a hit shows;
        # headlines only for the hits shown, below: ts_headline is the costly part
        sql = f"""SELECT c.record_type, c.record_id, {_RECORD_NAME} AS name, c.field, c.certainty, c.quote,
                  NULL AS snippet, c.start, c."end", c.source_id, s.title, s.uri, 0.0 AS score, c.id
                  FROM claim c JOIN source s ON s.id = c.source_id WHERE c.id = ANY(:ids)"""
    with engine.connect() as conn:
        if sqlite:
            rows = conn.execute(text(sql), params).all()
        else:  # best first, the newer of equal scores first
            best = dict(heapq.nlargest(params["limit"], _pg_newest(conn, match, where, params, statuses),
                                       key=lambda r: (r[1], r[0])))
            rows = sorted(conn.execute(text(sql), params | {"ids": list(best)}), key=lambda r: (-best[r[13]], -r[13]))
            rows = [(*r[:12], best[r[13]], r[13]) for r in rows]
        rows = _one_per_record(_as_programs(conn, rows), limit)
        if rows:
            shown = ", ".join(str(int(r[13])) for r in rows)
            snippets = dict(conn.execute(text(
                f"SELECT rowid, snippet(claim_fts, 0, '[', ']', '…', 16) FROM claim_fts WHERE claim_fts MATCH :q "
                f"AND rowid IN ({shown})" if sqlite else
                "SELECT id, ts_headline('english', quote, websearch_to_tsquery('english', :q), "
                f"'StartSel=[, StopSel=], MaxWords=30, MinWords=10') FROM claim WHERE id IN ({shown})"),
                {"q": params["q"]}).all())
            rows = [(*r[:6], snippets.get(r[13], r[5]), *r[7:]) for r in rows]
    return [Hit(**viewer.scrub(Hit(*row[:12], score=float(row[12])).as_dict())) for row in rows]


def _pg_newest(conn, match: str, where: str, params: dict, statuses: list[str]) -> list[tuple[int, float]]:
    """Ids and ranks of the newest RANK_POOL matching claims on PostgreSQL, reading from the heap about as many
    matches as the pool keeps, whatever the words. GIN yields matches in no useful order, and fetching
    every match of a word seen in 1% of claims (47k at 100k reports) took 100+ ms; the planner's guess
    of how common words are (it takes "human & rights & watch" as independent) is no guide either.

    1. Walk the newest RECENT_WINDOW claims in id order, testing each (ts_match_vq is the function
       behind @@, which no index serves): a common word fills the pool there, at a bounded cost, and
       a very common one (WALK_ON_RATE) walks on.
    2. Else that window is a sample of how common the words are. A rare one's older matches are
       few: all are read through the index. Otherwise the index narrows the words to the newest id
       buckets (migration 0011) expected to hold the rest of the pool, then to older ones, each time
       sized by the rate of the words in all the claims read so far (the window alone was 5x off for
       a conjunction with a facet; before a coarse or whole-index query, which costs the rarest word's
       postings, the newest fine bucket is read as a larger sample), until
       the pool is full: the newest matches, found without reading the older ones. GIN scans an OR
       of fine buckets each rarer than the words through all their claims, so past MAX_BUCKETS coarse
       buckets (8x, more common than any word: GIN scans the word) take over, and past those the rest
       comes in one index query, as before the buckets.

    Each query ranks the claims it reads (ts_rank of the words alone), so the pool is never read again.
    A viewer of one review status (`statuses`: its index token) has the index intersect it too.
    """
    pool = params["pool"]
    edge = (conn.scalar(text("SELECT max(id) FROM claim")) or 0) - RECENT_WINDOW
    walk = _ranked(f"SELECT c.id, c.claim_fts_vector FROM claim c WHERE c.id > :edge AND "
                   f"ts_match_vq(c.claim_fts_vector, {match}){where} ORDER BY c.id DESC LIMIT :n")
    ids = _pairs(conn, walk, params | {"edge": edge, "n": pool})
    need = pool - len(ids)
    if need <= 0 or edge <= 0:
        return ids
    rate = len(ids) / RECENT_WINDOW
    if rate >= WALK_ON_RATE:  # a very common word: walking on in id order reads fewer claims than the index
        on = _ranked(f"SELECT c.id, c.claim_fts_vector FROM claim c WHERE c.id <= :edge AND "
                     f"ts_match_vq(c.claim_fts_vector, {match}){where} ORDER BY c.id DESC LIMIT :n")
        return ids + _pairs(conn, on, params | {"edge": edge, "n": need})
    reviewed = "".join(f" && '{tag}'::tsquery" for tag in statuses)  # our own constants, \w only
    indexed = f"{_BUCKETED} @@ ({match}{reviewed}{{buckets}}) AND c.id <= :edge AND c.id < :below{where}"
    bucketed = _ranked(f"SELECT c.id, c.claim_fts_vector FROM claim c WHERE "
                       f"{indexed.format(buckets=' && CAST(:buckets AS tsquery)')} ORDER BY c.id DESC LIMIT :n")
    below, spanned, found = edge + 1, RECENT_WINDOW, len(ids)  # what has been read: the rate of the words so far
    while need > 0 and below > 0:
        rate = found / spanned
        if rate * below <= 2 * need:
            break  # the older matches are about as many as the pool still needs
        want = 1.5 * need / rate  # claims expected to hold half again the rest
        if want <= MAX_BUCKETS << BUCKET_BITS:
            bits, span = BUCKET_BITS, math.ceil(want / (1 << BUCKET_BITS))
        elif spanned < 1 << BUCKET_BITS:  # before a coarse or whole-index query (15-50 ms), one fine bucket
            bits, span = BUCKET_BITS, 1  # (~3 ms) samples the words in 13x the window's claims
        elif want <= MAX_BUCKETS << COARSE_BITS:
            bits, span = COARSE_BITS, math.ceil(want / (1 << COARSE_BITS))
        else:
            break  # spread too wide for buckets
        top = (below - 1) >> bits
        low = max(0, top - span + 1)
        buckets = " | ".join(f"{'idb' if bits == BUCKET_BITS else 'idc'}_{b}" for b in range(low, top + 1))
        newest = _pairs(conn, bucketed, params | {"edge": edge, "buckets": buckets, "below": below, "n": need})
        ids, need, spanned, found = ids + newest, need - len(newest), spanned + below - (low << bits), found + len(newest)
        below = low << bits  # (fewer than were asked for: every match of those buckets, so the rate holds)
    if need <= 0 or below <= 0:
        return ids
    older = _ranked(f"SELECT c.id, c.claim_fts_vector FROM claim c WHERE {indexed.format(buckets='')} "
                    "ORDER BY c.id DESC LIMIT :n")  # a rare conjunction of common words: all at once
    return ids + _pairs(conn, older, params | {"edge": edge, "below": below, "n": need})


def _ranked(pooled: str):
    """`pooled` (ids and text vectors of the newest matching claims) with each claim's rank for the
    words, computed for the rows the pool keeps only (its LIMIT comes first)."""
    return text(f"SELECT p.id, ts_rank(p.claim_fts_vector, websearch_to_tsquery('english', :q), 1) FROM ({pooled}) AS p")


def _pairs(conn, ranked, params: dict) -> list[tuple[int, float]]:
    """(id, rank) of each claim a _ranked statement reads: plain tuples, ordered by id first."""
    return [(i, float(rank)) for i, rank in conn.execute(ranked, params)]


def _tf_sql(n_words: int) -> str:
    """Columns t0..tN: how often each word :wI starts a word of the pooled claim's text (`doc`)."""
    return ", ".join(f"max(1.0, (length(doc) - length(replace(doc, :w{i}, ''))) * 1.0 / length(:w{i})) AS t{i}"
                     for i in range(n_words))


def _bm25_sql(n_words: int) -> str:
    """BM25 from the term frequencies t0..tN and the text length n, without FTS5's bm25(): that one
    counts every match of every word in the register for its IDF, a cost that grows with the register,
    and since every hit of an AND query holds every word, IDF adds alike to each and orders nothing."""
    norm = f"{K1} * (1 - {B} + {B} * n / {AVG_CHARS}.0)"
    return " + ".join(f"t{i} * {K1 + 1} / (t{i} + {norm})" for i in range(n_words))


def _as_programs(conn, rows) -> list:
    """Hits on a merged deployment count for the record it was merged into (one program, one hit)."""
    ids = {r[1] for r in rows if r[0] == "deployment"}
    if not ids:
        return list(rows)
    live = survivors.live_deployments(Session(bind=conn), ids)
    return [(r[0], *live[r[1]], *r[3:]) if r[0] == "deployment" else r for r in rows]


def _one_per_record(rows, limit: int) -> list:
    """The best claim of each record, best records first."""
    seen, out = set(), []
    for row in rows:
        if (row[0], row[1]) in seen:
            continue
        seen.add((row[0], row[1]))
        out.append(row)
        if len(out) == limit:
            break
    return out
