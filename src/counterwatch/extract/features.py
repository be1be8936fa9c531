"""Features for the trained components, shared by training and extraction so both see the same thing.

Each function turns one decision (the role of an entity in a deployment, the relation of two
mentions, the certainty of a claim, whether a date is a program's start) into a sparse dict of
named features. The rule layer's answer is one feature among many: the models learn when to trust it.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from counterwatch.extract import certainty, country_cues, dates, places, roles, technologies
from counterwatch.extract.nlp import lemma
from counterwatch.findings import Deployment, Entity, Relation
from counterwatch.ingest import debris

WINDOW_WORDS = 4  # words each side of a mention that describe its context
MAX_PAIR_GAP = 6  # mentions apart two ends of a relation candidate may stand
CROSS_MENTIONS = 3  # mentions of each of two adjacent sentences paired across them (35 of 109 dev relations)
CUE_KINDS = ("entity", "place", "org", "name", "demonym", "based", "currency", "civic", "company", "header", "shape")
FAR_SENTENCES = 6  # sentences from its quotes a deployment's installer or vendor may still be named
SHORT_SENTENCES = 4  # a text this short is a summary: its first actor is most often the one it is about
HEADER_CHARS = 600  # start of the page whose words hint at its genre (tender, ruling, minutes)
MASTHEAD_WORDS = 12  # a line of the page's top this short is a masthead, a menu or a byline, not prose
_WORD = re.compile(r"[a-z][a-z'-]+|\d{4}")
_ANY_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+|\d{4}")


@dataclass
class Context:
    """What one source's rule pass produced, with the parse it rests on."""

    text: str
    sents: list[tuple[Span, int]]
    entities: dict[str, Entity]
    index: dict[tuple[int, int], str]
    deployments: list[Deployment]
    relations: list[Relation]
    published: str | None = None
    dropped: set[str] = field(default_factory=set)  # entities the trained filter leaves out
    header: list[country_cues.Cue] = field(default_factory=list)  # country hints of the unparsed lines
    spans: list[tuple[int, int]] = field(init=False)
    by_sentence: list[list[tuple[int, int, str]]] = field(init=False)

    def __post_init__(self) -> None:
        self.spans = [(off + s.start_char, off + s.end_char) for s, off in self.sents]
        starts = [a for a, _ in self.spans]
        self.by_sentence = [[] for _ in self.spans]
        for (a, b), name in sorted(self.index.items()):
            i = bisect_right(starts, a) - 1
            if i >= 0 and b <= self.spans[i][1]:
                self.by_sentence[i].append((a, b, name))
        self._starts = starts
        self._cues: list[list[country_cues.Cue]] | None = None
        self._techs: dict[str, list[int]] | None = None
        self._found: list[list[technologies.TechMention]] | None = None
        self.votes_seen: dict = {}  # country_votes by (sentences, kind): they depend on entities, so per context

    def cues(self, i: int) -> list[country_cues.Cue]:
        """The country hints of sentence i, found once per parse."""
        if self._cues is None:
            self._cues = [country_cues.cues(sent, off) for sent, off in self.sents]
        return self._cues[i]

    def first_place(self) -> str | None:
        """The country of the text's first place hint (a dateline, or the story's first place)."""
        return next((cue.country for i in range(len(self.spans)) for cue in self.cues(i)
                     if cue.kind in ("place", "org", "based")), None)

    def fresh(self) -> Context:
        """A copy the trained layer may rewrite (deployments, relations, entity types) while this one
        stays the rule pass; the parse and its country hints are shared, not found again."""
        ctx = Context(self.text, self.sents, copy.deepcopy(self.entities), self.index, copy.deepcopy(self.deployments),
                      copy.deepcopy(self.relations), self.published, header=self.header)
        ctx._cues, ctx._techs, ctx._found = self._cues, self._techs, self._found
        return ctx

    def techs_in(self, i: int) -> list[technologies.TechMention]:
        """The technology words of sentence i (text offsets), found once per parse."""
        if self._found is None:
            self._found = [technologies.find(self.text[a:b], a) for a, b in self.spans]
        return self._found[i]

    def sentence_at(self, pos: int) -> int:
        return bisect_right(self._starts, pos) - 1

    def author(self) -> str | None:
        """The organization of the body named first in a short line of the page's first HEADER_CHARS
        characters: a report's masthead ("Marsad Detention Watch | Home | Reports", "Published by X");
        a story that opens with prose names no author."""
        head = self.text[:HEADER_CHARS]
        short = [(a, b) for a, b, line in debris.lines(head) if len(line.split()) <= MASTHEAD_WORDS]
        found = [(m.start(), name) for name, e in self.entities.items()
                 if e.type == "organization" and name not in self.dropped for n in (name, *e.aliases)
                 for m in re.finditer(rf"(?<!\w){re.escape(n)}(?!\w)", head)
                 if any(a <= m.start() < b for a, b in short)]
        return min(found)[1] if found else None

    def header_words(self) -> set[str]:
        return set(_WORD.findall(self.text[:HEADER_CHARS].lower()))

    def span_of(self, i: int, a: int, b: int) -> Span | None:
        sent, off = self.sents[i]
        return sent.doc.char_span(a - off, b - off, alignment_mode="expand")

    def core(self, dep: Deployment) -> list[int]:
        """The sentences a deployment's quotes are."""
        return sorted({self.sentence_at(ev.start) for ev in dep.evidence} - {-1})

    def pool(self, dep: Deployment) -> list[int]:
        """Sentences a deployment rests on, with their neighbours: where its actors are named."""
        return sorted({j for i in self.core(dep) for j in (i - 1, i, i + 1) if 0 <= j < len(self.spans)})

    def reach(self, dep: Deployment) -> list[int]:
        """The pool, and past it the sentences up to FAR_SENTENCES from the deployment's quotes that
        are no nearer to another deployment's: a report names the installer a few sentences on ("The
        installation was carried out by X"); 35 of 188 dev-split suppliers stood only there."""
        core, out = self.core(dep), set(self.pool(dep))
        if not core:
            return sorted(out)
        others = [c for c in (self.core(d) for d in self.deployments if d is not dep) if c]
        for j in range(max(0, core[0] - FAR_SENTENCES), min(len(self.spans), core[-1] + FAR_SENTENCES + 1)):
            dist = min(abs(j - i) for i in core)
            if dist <= FAR_SENTENCES and all(dist <= min(abs(j - i) for i in c) for c in others):
                out.add(j)
        return sorted(out)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _plain_words(text: str) -> list[str]:
    """The lower-case words of `text`: a name before a place ("Kanimba", "Mingyao") teaches one
    document, a word ("based", "funding", "in") every report."""
    return [w for w in _ANY_WORD.findall(text) if not w[:1].isupper()]


def _anchor(span: Span) -> Token:
    """The token that attaches a name to its sentence (past compounds and flat name parts)."""
    tok = span.root
    while tok.dep_ in ("compound", "flat", "amod") and tok.head is not tok:
        tok = tok.head
    return tok


def _name_features(prefix: str, e: Entity, out: dict[str, float]) -> None:
    out[f"{prefix}type={e.type}"] = 1.0
    out[f"{prefix}kind={e.kind or 'none'}"] = 1.0
    ws = words(e.name)
    for w in ws:
        out[f"{prefix}nw={w}"] = 1.0
    if ws:
        out[f"{prefix}last={ws[-1]}"] = 1.0
    if e.name.replace(".", "").isupper():
        out[f"{prefix}acronym"] = 1.0
    if e.type == "organization" and e.aliases:
        out[f"{prefix}has_alias"] = 1.0


def _mention_context(ctx: Context, i: int, a: int, b: int, prefix: str, out: dict[str, float]) -> None:
    s0, s1 = ctx.spans[i]
    before, after = words(ctx.text[s0:a])[-WINDOW_WORDS:], words(ctx.text[b:s1])[:WINDOW_WORDS]
    for k, w in enumerate(reversed(before)):
        out[f"{prefix}b{k}={w}"] = 1.0
        out[f"{prefix}bw={w}"] = out.get(f"{prefix}bw={w}", 0.0) + 1.0
    for k, w in enumerate(after):
        out[f"{prefix}a{k}={w}"] = 1.0
        out[f"{prefix}aw={w}"] = out.get(f"{prefix}aw={w}", 0.0) + 1.0
    span = ctx.span_of(i, a, b)
    if span is None:
        return
    tok = _anchor(span)
    head = tok.head
    out[f"{prefix}dep={tok.dep_}"] = 1.0
    head_lemma = lemma(head) if head is not tok else "ROOT"
    out[f"{prefix}head={head_lemma}"] = 1.0
    out[f"{prefix}dep_head={tok.dep_}:{head_lemma}"] = 1.0
    if head.dep_ in ("prep", "agent") and head.head is not head:  # "supplied by X", "cameras from X"
        out[f"{prefix}prep_of={head_lemma}:{lemma(head.head)}"] = 1.0
    if tok.dep_ == "appos" or any(c.dep_ == "appos" for c in tok.children):
        out[f"{prefix}appos"] = 1.0
    r = roles.role(span, ctx.text[s0:a])
    out[f"{prefix}rule={r or 'none'}"] = 1.0
    _tech_link(ctx, i, a, b, tok, prefix, out)


def _tech_link(ctx: Context, i: int, a: int, b: int, tok: Token, prefix: str, out: dict[str, float]) -> None:
    """How the mention's sentence ties it to its nearest technology word: the grammar between actor and
    system ("X deployed cameras", "cameras installed by X", "X's face recognition") says who runs what."""
    techs = [t for t in ctx.techs_in(i) if t.end <= a or t.start >= b]
    if not techs:
        out[f"{prefix}tech=none"] = 1.0
        return
    t = min(techs, key=lambda t: min(abs(t.start - b), abs(a - t.end)))
    out[f"{prefix}tside={'before' if t.end <= a else 'after'}"] = 1.0
    span = ctx.span_of(i, t.start, t.end)
    if span is None:
        return
    path = _path(tok, _anchor(span))
    out[f"{prefix}tpath={path}"] = 1.0
    if "^" in path:
        up, top, _ = path.split("^")
        out[f"{prefix}tlca={up.split('/')[0] if up else 'self'}^{top}"] = 1.0


def role_features(ctx: Context, dep: Deployment, name: str, pool: list[int], core: set[int],
                  far: list[int] = ()) -> dict[str, float]:
    """Is `name` the operator, the supplier or neither of `dep`? Summed over its mentions near it
    (`pool`), and apart over those further on (`far`: the rest of `ctx.reach`)."""
    e = ctx.entities[name]
    out: dict[str, float] = {"bias": 1.0}
    _name_features("", e, out)
    if name in dep.operators:
        out["rule_operator"] = 1.0
    if name in dep.suppliers:
        out["rule_supplier"] = 1.0
    n = 0
    for i in pool:
        for a, b, m in ctx.by_sentence[i]:
            if m != name:
                continue
            n += 1
            where = "core" if i in core else "near"
            out[f"in_{where}"] = out.get(f"in_{where}", 0.0) + 1.0
            _mention_context(ctx, i, a, b, "m:", out)
    for i in far:
        for a, b, m in ctx.by_sentence[i]:
            if m == name:
                out["in_far"] = out.get("in_far", 0.0) + 1.0
                _mention_context(ctx, i, a, b, "f:", out)
    out["mentions_doc"] = min(len(e.mentions), 10) / 10
    # an incident summary of a few sentences opens with the actor it is about
    short = "short:" if len(ctx.spans) <= SHORT_SENTENCES else ""
    first = next((m for i in range(min(2, len(ctx.spans))) for _, _, m in ctx.by_sentence[i]
                  if ctx.entities[m].type != "place"), None)
    if first == name:
        out[f"{short}first_actor"] = 1.0
    for k in ("rule_operator", "rule_supplier"):
        if short and k in out:
            out[short + k] = 1.0
    out["first_sentence"] = float(any(ctx.sentence_at(m.start) == min(pool) for m in e.mentions)) if pool else 0.0
    out["mentions_near"] = min(n, 6) / 6
    out[f"deployments={min(len(ctx.deployments), 4)}"] = 1.0
    others = {m for i in pool for _, _, m in ctx.by_sentence[i] if m != name and ctx.entities[m].type != "place"}
    out[f"competitors={min(len(others), 5)}"] = 1.0
    return out


def role_candidates(ctx: Context, dep: Deployment, pool: list[int], far: list[int]) -> list[str]:
    """Organizations and persons named in a deployment's sentences or next to them (`pool`), and
    organizations further in its reach (`far`, from `far_sentences`)."""
    names = [m for i in pool for _, _, m in ctx.by_sentence[i] if ctx.entities[m].type != "place"]
    further = [m for i in far for _, _, m in ctx.by_sentence[i] if ctx.entities[m].type == "organization"]
    return list(dict.fromkeys([*names, *dep.operators, *dep.suppliers, *further]))


def far_sentences(ctx: Context, dep: Deployment) -> list[int]:
    """The sentences of a deployment's reach past its pool, where only organizations are candidates."""
    pool = set(ctx.pool(dep))
    return [i for i in ctx.reach(dep) if i not in pool]


def _path(t1: Token, t2: Token) -> str:
    """Dependency labels from t1 up to the common ancestor and down to t2, with the ancestor's lemma."""
    up1 = [t1, *t1.ancestors]
    up2 = [t2, *t2.ancestors]
    ids2 = {t.i: k for k, t in enumerate(up2)}
    for k, t in enumerate(up1):
        if t.i in ids2:
            a = up1[:k]
            b = up2[:ids2[t.i]]
            if len(a) + len(b) > 5:
                return "long"
            return "/".join(x.dep_ for x in a) + f"^{lemma(t)}^" + "/".join(x.dep_ for x in reversed(b))
    return "none"


def pair_features(ctx: Context, i: int, j: int, m1: tuple[int, int, str], m2: tuple[int, int, str],
                  rule: dict[tuple[str, str], str], roles_of: dict[str, set[str]]) -> dict[str, float]:
    """The relation, if any, that sentence i (through sentence j = i or i + 1) states between two
    mentions, m1 before m2. Across two sentences the second often names the first's actor again
    ("Dr Lena Okafor ... She heads the unit at X")."""
    (a1, b1, n1), (a2, b2, n2) = m1, m2
    e1, e2 = ctx.entities[n1], ctx.entities[n2]
    cross = "x:" if j != i else ""
    out: dict[str, float] = {"bias": 1.0, f"{cross}types={e1.type}>{e2.type}": 1.0, f"kinds={e1.kind}>{e2.kind}": 1.0}
    if cross:
        out["cross"] = 1.0
    _name_features("l:", e1, out)
    _name_features("r:", e2, out)
    between = words(ctx.text[b1:a2])
    if cross:
        between = between[:6] + between[-6:] if len(between) > 12 else between
    out[f"{cross}gap={min(len(between), 12) // 3}"] = 1.0
    for w in between[:12]:
        out[f"{cross}bw={w}"] = 1.0
    if between:
        out[f"{cross}bfirst={between[0]}"] = 1.0
        out[f"{cross}blast={between[-1]}"] = 1.0
    if len(between) <= 4:
        out[f"{cross}bphrase=" + " ".join(between)] = 1.0
    raw = ctx.text[b1:a2]
    if raw.strip().startswith(("'s", "’s")):
        out["possessive"] = 1.0
    if raw.strip() in (",", "(", "-", "—"):
        out[f"punct={raw.strip()}"] = 1.0
    s0, s1 = ctx.spans[i][0], ctx.spans[j][1]
    for w in words(ctx.text[s0:a1])[-3:]:
        out[f"before={w}"] = 1.0
    for w in words(ctx.text[b2:s1])[:3]:
        out[f"after={w}"] = 1.0
    if not cross:
        sp1, sp2 = ctx.span_of(i, a1, b1), ctx.span_of(i, a2, b2)
        if sp1 is not None and sp2 is not None:
            out["path=" + _path(_anchor(sp1), _anchor(sp2))] = 1.0
    got = rule.get((n1, n2))
    if got:
        out[f"rule={got}"] = 1.0
    r1, r2 = roles_of.get(n1, set()), roles_of.get(n2, set())
    for x in r1:
        for y in r2:
            out[f"roles={x}>{y}"] = 1.0
    return out


def pair_context(ctx: Context) -> tuple[dict[tuple[str, str], str], dict[str, set[str]]]:
    """What the rule pass says of pairs: its relations by ordered pair, and each actor's roles."""
    rule = {(r.subject, r.object): f"{r.predicate}>" for r in ctx.relations}
    rule.update({(r.object, r.subject): f"{r.predicate}<" for r in ctx.relations})
    roles_of: dict[str, set[str]] = {}
    for dep in ctx.deployments:
        for n in dep.operators:
            roles_of.setdefault(n, set()).add("op")
        for n in dep.suppliers:
            roles_of.setdefault(n, set()).add("sup")
    return rule, roles_of


def pair_candidates(ctx: Context):
    """(first sentence, last sentence, earlier mention, later mention) for named actors of one
    sentence, and of two adjacent ones (the nearest few of each)."""
    actors = [[m for m in ms if ctx.entities[m[2]].type != "place"] for ms in ctx.by_sentence]
    for i, ms in enumerate(actors):
        for k, m1 in enumerate(ms):
            for m2 in ms[k + 1:k + 1 + MAX_PAIR_GAP]:
                if m1[2] != m2[2] and m2[0] >= m1[1]:
                    yield i, i, m1, m2
        if i + 1 < len(actors):
            here = {m[2] for m in ms}
            for m1 in ms[-CROSS_MENTIONS:]:
                for m2 in actors[i + 1][:CROSS_MENTIONS]:
                    if m1[2] != m2[2] and m2[2] not in here:
                        yield i, i + 1, m1, m2


def certainty_features(sentences: list[str], header: set[str]) -> dict[str, float]:
    """How sure the source is: its words, the rule cascade's verdict per sentence, the page's genre."""
    out: dict[str, float] = {"bias": 1.0}
    for k, s in enumerate(sentences):
        level, cue = certainty.classify(s)
        # a share, not a count: a record of 25 quotes is no surer than one of 3 (3-fold CV 0.578 -> 0.587)
        out[f"rule={level}"] = out.get(f"rule={level}", 0.0) + 1.0 / len(sentences)
        if k == 0:
            out[f"rule0={level}"] = 1.0
        if cue:
            out[f"cue={cue.lower()}"] = 1.0
        ws = words(s)
        for w in ws:
            out[f"w={w}"] = 1.0
        for x, y in zip(ws, ws[1:]):
            out[f"bi={x}_{y}"] = 1.0
    for w in header:
        out[f"h={w}"] = 1.0
    return out


@dataclass(frozen=True)
class DateCandidate:
    iso: str
    sentence: int
    offset: int  # absolute offset of the date in the text


DATE_REACH = 4  # sentences from a deployment's own where its start may be stated (1 missed 13 of 17 misses)


def date_candidates(ctx: Context, dep: Deployment) -> list[DateCandidate]:
    core = sorted({ctx.sentence_at(ev.start) for ev in dep.evidence} - {-1})
    near = sorted({j for i in core for j in range(i - DATE_REACH, i + DATE_REACH + 1) if 0 <= j < len(ctx.spans)})
    out = []
    for i in near:
        a, b = ctx.spans[i]
        for off, iso in dates.find_dates(ctx.text[a:b]):
            out.append(DateCandidate(iso, i, a + off))
    return out


def date_features(ctx: Context, dep: Deployment, cand: DateCandidate, all_cands: list[DateCandidate]) -> dict[str, float]:
    """Is this date when the program began (not the article's date, a renewal or an expansion)?"""
    a, b = ctx.spans[cand.sentence]
    core = {ctx.sentence_at(ev.start) for ev in dep.evidence}
    dist = min((abs(cand.sentence - i) for i in core), default=DATE_REACH)
    out: dict[str, float] = {"bias": 1.0, f"precision={cand.iso.count('-')}": 1.0,
                             "core" if cand.sentence in core else "near": 1.0, f"distance={dist}": 1.0}
    before = words(ctx.text[a:cand.offset])
    for k, w in enumerate(reversed(before[-WINDOW_WORDS:])):
        out[f"b{k}={w}"] = 1.0
    for w in before[-8:]:
        out[f"bw={w}"] = 1.0
    for w in words(ctx.text[cand.offset:b])[1:5]:
        out[f"aw={w}"] = 1.0
    years = sorted({c.iso[:4] for c in all_cands})
    year = cand.iso[:4]
    out[f"rank={min(years.index(year), 3)}"] = 1.0
    if year == years[-1]:
        out["latest"] = 1.0
    if ctx.published and ctx.published[:4].isdigit():
        diff = int(ctx.published[:4]) - int(year)
        out[f"age={max(-1, min(diff, 6))}"] = 1.0
    out[f"candidates={min(len(all_cands), 4)}"] = 1.0
    return out


def deployment_features(ctx: Context, k: int) -> dict[str, float]:
    """Is the k-th deployment of the rule pass a program the report describes (not a passing
    mention, a comment, or a second record of one already listed)?"""
    dep = ctx.deployments[k]
    out: dict[str, float] = {"bias": 1.0, f"evidence={min(len(dep.evidence), 6)}": 1.0,
                             f"country={'none' if not dep.country else 'set'}": 1.0,
                             f"operators={min(len(dep.operators), 2)}": 1.0, f"suppliers={min(len(dep.suppliers), 2)}": 1.0,
                             f"techs={min(len(dep.technologies), 3)}": 1.0}
    for t in dep.technologies:
        out[f"tech={t}"] = 1.0
    earlier = [d for d in ctx.deployments[:k] if set(d.technologies) & set(dep.technologies)]
    out[f"same_tech_before={min(len(earlier), 2)}"] = 1.0
    out[f"same_country_tech_before={min(sum(d.country == dep.country for d in earlier), 2)}"] = 1.0
    first = ctx.sentence_at(dep.evidence[0].start) if dep.evidence else 0
    out[f"position={min(4, 5 * first // max(1, len(ctx.spans)))}"] = 1.0
    out[f"rank={min(k, 4)}"] = 1.0
    _contrast(ctx, dep, [d for d in ctx.deployments[:k] if d.country == dep.country], out)
    for s in dep.evidence[:6]:
        level, _ = certainty.classify(s.quote)
        out[f"rule={level}"] = out.get(f"rule={level}", 0.0) + 1.0
        for w in set(words(s.quote)):
            out[f"w={w}"] = 1.0
    return out


def _overlap(mine: list[str], theirs: list[str]) -> str:
    if not mine or not theirs:
        return "missing"
    return "shared" if set(mine) & set(theirs) else "disjoint"


def _contrast(ctx: Context, dep: Deployment, before: list[Deployment], out: dict[str, float]) -> None:
    """How a deployment differs from the earlier ones of its country: a second program has its own
    operator, place, year or section, a second record of the same one shares them."""
    if not before:
        out["vs=first"] = 1.0
        return
    out[f"vs_ops={_overlap(dep.operators, [n for d in before for n in d.operators])}"] = 1.0
    out[f"vs_places={_overlap(dep.places, [n for d in before for n in d.places])}"] = 1.0
    out[f"vs_techs={_overlap(dep.technologies, [t for d in before for t in d.technologies])}"] = 1.0
    years = {str(d.start)[:4] for d in before if d.start}
    out[f"vs_year={'missing' if not dep.start or not years else 'same' if str(dep.start)[:4] in years else 'differs'}"] = 1.0
    if dep.evidence:
        last = max((ev.end for d in before for ev in d.evidence if ev.end <= dep.evidence[0].start), default=None)
        if last is not None:
            gap = ctx.text[last:dep.evidence[0].start]
            out[f"vs_gap={'section' if gap.count(chr(10)) >= 2 else 'paragraph' if chr(10) in gap else 'same'}"] = 1.0
            out[f"vs_sentences={min(ctx.sentence_at(dep.evidence[0].start) - ctx.sentence_at(last), 6)}"] = 1.0


def entity_features(ctx: Context, e: Entity) -> dict[str, float]:
    """Is this a named organization, person or place of the article's body (not a byline, a menu
    entry, a product or a misread phrase), and which of the three is it?"""
    out: dict[str, float] = {"bias": 1.0}
    _name_features("", e, out)
    tokens = e.name.split()
    out[f"tokens={min(len(tokens), 6)}"] = 1.0
    out[f"mentions={min(len(e.mentions), 5)}"] = 1.0
    labels = {m.label for m in e.mentions}
    for label in labels:
        out[f"label={label}"] = 1.0
    # no position features: on a two-sentence incident summary every name stands "in the header"
    for m in e.mentions[:5]:
        i = ctx.sentence_at(m.start)
        if i < 0:
            continue
        s0, s1 = ctx.spans[i]
        for w in words(ctx.text[s0:m.start])[-2:]:
            out[f"bw={w}"] = 1.0
        for w in words(ctx.text[m.end:s1])[:2]:
            out[f"aw={w}"] = 1.0
        out[f"sentence_words={min(len(words(ctx.text[s0:s1])) // 5, 6)}"] = 1.0
    if any(c.isdigit() for c in e.name):
        out["digit"] = 1.0
    raw = e.name.split()  # the name's shape: a gazetteer place, a legal form, a first word
    out[f"first={raw[0].lower() if raw else ''}"] = 1.0
    if places.country_of(e.name):
        out["gazetteer"] = 1.0
    if places.big_place(e.name):
        out["big_place"] = 1.0
    if places.country_of_demonym(raw[0] if raw else ""):
        out["demonym_first"] = 1.0
    out[f"capitalised={min(sum(w[:1].isupper() for w in raw), 4)}/{min(len(raw), 4)}"] = 1.0
    for cue in country_cues.cues_in(e.name):
        out[f"cue={cue}"] = 1.0
    return out


def country_votes(ctx: Context, sentences: list[int] | None = None, kind: str | None = None) -> dict[str, float]:
    """Weighted country hints (kept place entities and every cue of `country_cues`), in the given
    sentences or the whole text, of one kind or all."""
    key = (None if sentences is None else tuple(sentences), kind)
    if key in ctx.votes_seen:
        return ctx.votes_seen[key]
    votes: dict[str, float] = ctx.votes_seen.setdefault(key, {})
    wanted = range(len(ctx.spans)) if sentences is None else sentences
    for i in wanted:
        if kind in (None, "entity"):
            for _, _, name in ctx.by_sentence[i]:
                e = ctx.entities[name]
                if e.type == "place" and e.country and e.kind != "guessed":
                    votes[e.country] = votes.get(e.country, 0.0) + 1.0
        for cue in ctx.cues(i):
            if kind in (None, cue.kind):
                votes[cue.country] = votes.get(cue.country, 0.0) + cue.weight
    if sentences is None and kind in (None, "header"):
        for cue in ctx.header:
            votes[cue.country] = votes.get(cue.country, 0.0) + cue.weight
    return votes


def country_candidates(ctx: Context, dep: Deployment, doc_votes: dict[str, float]) -> list[str]:
    return list(dict.fromkeys([*([dep.country] if dep.country else []), *sorted(doc_votes, key=lambda c: -doc_votes[c])]))


def _bucket(x: float) -> str:
    return "0" if x <= 0 else "<1" if x < 1 else "1" if x < 2 else "2-3" if x < 4 else "4+"


def country_features(ctx: Context, dep: Deployment, c: str, doc_votes: dict[str, float]) -> dict[str, float]:
    """Is c where the deployment runs (not where its vendor is from, nor a country only compared to)?"""
    core = sorted({ctx.sentence_at(ev.start) for ev in dep.evidence} - {-1})
    pool = ctx.pool(dep)
    near, inside = country_votes(ctx, pool), country_votes(ctx, core)
    total = sum(doc_votes.values()) or 1.0
    ranked = sorted(doc_votes, key=lambda k: -doc_votes[k])
    out: dict[str, float] = {"bias": 1.0, "rule" if c == dep.country else "not_rule": 1.0,
                             f"doc_rank={min(ranked.index(c), 3) if c in ranked else 'none'}": 1.0,
                             f"doc_share={int(4 * doc_votes.get(c, 0.0) / total)}": 1.0,
                             f"core={_bucket(inside.get(c, 0))}": 1.0, f"near={_bucket(near.get(c, 0))}": 1.0,
                             f"countries={min(len(doc_votes), 4)}": 1.0}
    for kind in CUE_KINDS:  # each kind of hint, in the whole text and near the deployment
        out[f"{kind}_doc={_bucket(country_votes(ctx, None, kind).get(c, 0))}"] = 1.0
        out[f"{kind}_near={_bucket(country_votes(ctx, pool, kind).get(c, 0))}"] = 1.0
    if ctx.first_place() == c:
        out["first_place"] = 1.0  # a dateline or the first place of the story
    if ctx.header and ctx.header[0].country == c:
        out["header_first"] = 1.0
    suppliers, operators = set(dep.suppliers), set(dep.operators)
    for i in pool:  # a country named next to a vendor is often its home ("China's Huawei", "Israeli firm")
        names = {m for _, _, m in ctx.by_sentence[i]}
        placed = any(ctx.entities[m].type == "place" and ctx.entities[m].country == c for m in names)
        if suppliers & names and placed:
            out["beside_supplier"] = 1.0
        if placed or any(cue.country == c for cue in ctx.cues(i)):  # whose sentence names it: the operator's, or only a vendor's
            out["with_operator" if operators & names else "with_supplier_only" if suppliers & names else "with_neither"] = 1.0
        a, _ = ctx.spans[i]
        for ms, me, name in ctx.by_sentence[i]:
            e = ctx.entities[name]
            if name in operators and any(cue.country == c and cue.start < me and ms < cue.end for cue in ctx.cues(i)):
                out["in_operator_name"] = 1.0  # "Toronto Police Service"
            if e.type == "place" and e.country == c:
                for w in _plain_words(ctx.text[max(a, ms - 30):ms])[-2:]:
                    out[f"before={w}"] = 1.0
        for cue in ctx.cues(i):
            if cue.country == c and cue.kind in ("demonym", "based"):
                for w in words(ctx.text[cue.end:cue.end + 30])[:1]:
                    out[f"{cue.kind}_after={w}"] = 1.0  # "Israeli firm", "Dhaka-based integrator"
    return out


def tech_mentions(ctx: Context) -> dict[str, list[int]]:
    """Sentences naming each technology of the lexicon, found once per parse."""
    if ctx._techs is None:
        ctx._techs = {}
        for i in range(len(ctx.spans)):
            for t in ctx.techs_in(i):
                ctx._techs.setdefault(t.tech, []).append(i)
    return ctx._techs


def tech_features(ctx: Context, tech: str) -> dict[str, float]:
    """Is `tech` among the report's technologies? Its own mentions, and what the deployments hold: a
    taxonomy label is often implied by another ("number-plate cameras" track vehicles)."""
    said = tech_mentions(ctx).get(tech, [])
    held = {t for d in ctx.deployments for t in d.technologies}
    out: dict[str, float] = {f"t={tech}": 1.0, f"t={tech}&said={_bucket(len(said))}": 1.0,
                             f"said={_bucket(len(said))}": 1.0, f"held={tech in held}": 1.0,
                             f"t={tech}&held={tech in held}": 1.0}
    for u in held - {tech}:
        out[f"t={tech}&with={u}"] = 1.0
    for u in tech_mentions(ctx):
        if u != tech:
            out[f"t={tech}&beside={u}"] = 1.0
    if said:
        out[f"first_at={_bucket(10 * said[0] / max(len(ctx.spans), 1))}"] = 1.0
        spoken = " ".join(ctx.text[ctx.spans[i][0]:ctx.spans[i][1]] for i in said)
        level, _ = certainty.classify(spoken)
        out[f"level={level}"] = 1.0
        cited = {ctx.sentence_at(ev.start) for d in ctx.deployments for ev in d.evidence}
        out[f"cited={bool(cited & set(said))}"] = 1.0
    return out
