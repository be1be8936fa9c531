"""Train the extraction's linear components on the annotated corpus and write a model folder.

The rule pass proposes candidates (entities of a deployment's sentences, mention pairs, dates);
the corpus gold labels them through the shared scorer's own name matching; scikit-learn fits one
logistic regression per decision; thresholds are chosen on the dev split; the test split is only
scored. Everything is seeded and sorted, so the same corpus gives the same folder.
"""

from __future__ import annotations

import copy
import hashlib
import json
import platform
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import sklearn
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from counterwatch.extract import Extractor, to_json
from counterwatch.extract import features as F
from counterwatch import data, extract
from counterwatch.extract import technologies
from counterwatch.extract.learned import COMPONENTS, DEFAULT_THRESHOLDS, SYMMETRIC, Refiner
from counterwatch.extract.linear import LinearModel
from counterwatch.ingest.source import Source
from counterwatch.extract.nlp import stock_pipeline
from counterwatch.learn import corpus as C
from counterwatch.learn import ner
from counterwatch.learn.scoring import score, scorer

SEED = 13
REGULARISATION = {"country": 0.5, "deployments": 0.5, "technologies": 0.5, "entities": 0.5, "roles": 0.5, "relations": 0.5, "certainty": 0.3, "relation_certainty": 0.3, "start": 0.5}
# 'none' is 8 relation candidates in 10: weighting the rare classes up lifted dev relations F1 0.32 -> 0.43;
# "documented" is 4 claims in 10: weighting the rarer levels up lifted dev certainty 0.590 -> 0.667
BALANCED = {"relations", "roles", "certainty", "relation_certainty"}
GRID = (0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95)
# retype is a margin over the parser's type; an operator floor of 1.0 never fires
GRIDS = {"start": (0.0, *GRID), "technology": (*GRID, 1.0), "tech_drop": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3), "retype": (0.0, 0.1, 0.2, 0.3, 0.5, 1.0), "operator_floor": (0.05, 0.1, 0.15, 0.2, 0.3, 1.0),
         "supplier_over_rule": (0.65, 0.75, 0.85, 0.9, 0.95, 1.0)}
MIN_WEIGHT = 1e-4  # weights smaller than this change no decision; dropped to keep the folder small


@dataclass
class Parsed:
    """A corpus document with its rule pass, kept pristine: every trial refines a copy."""

    doc: C.Document
    ctx: F.Context
    extraction: object
    examples: dict[str, list[tuple[dict, str]]] = field(default_factory=dict)


def parse(docs: list[C.Document], extractor: Extractor, progress: Callable[[int], None] | None = None) -> list[Parsed]:
    out = []
    for d in docs:
        src = Source(uri=f"{d.id}.txt", text=d.text)
        x, ctx = extractor.contexts([src])[0]
        out.append(Parsed(d, ctx, x))
        if progress:
            progress(1)
    return out


class Labeller:
    """Gold labels for the rule pass's candidates, by the scorer's matching rules."""

    def __init__(self, shared: Path, p: Parsed) -> None:
        self.sc = scorer(shared)
        self.p = p
        gold = p.doc.gold
        self.gidx = self.sc.alias_index(gold.get("entities", []))
        self.gold_deps = gold.get("deployments", [])

    def names(self, name: str) -> list[str]:
        e = self.p.ctx.entities.get(name)
        return [name, *(e.aliases if e else [])]

    def matches(self, name: str, gold_names: Iterable[str]) -> bool:
        mine = self.names(name)
        return any(self.sc.names_match(mine, self.sc.widen(g, self.gidx)) for g in gold_names)

    def pairs(self, deps) -> list[tuple[dict, object]]:
        def dep_match(a, b):
            return (a.get("country") or "").upper() == (b.country or "").upper() and bool(
                set(a.get("technologies", [])) & set(b.technologies))
        return [(self.gold_deps[g], deps[q]) for g, q in self.sc.greedy(self.gold_deps, deps, dep_match)]


def role_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    lab = Labeller(shared, p)
    matched = {id(d): g for g, d in lab.pairs(ctx.deployments)}
    all_ops = [n for g in lab.gold_deps for n in g.get("operators", [])]
    all_sups = [n for g in lab.gold_deps for n in g.get("suppliers", [])]
    out = []
    for dep in ctx.deployments:
        g = matched.get(id(dep))
        ops, sups = (g.get("operators", []), g.get("suppliers", [])) if g else (all_ops, all_sups)
        pool, core, far = ctx.pool(dep), set(ctx.core(dep)), F.far_sentences(ctx, dep)
        for name in F.role_candidates(ctx, dep, pool, far):
            label = "operator" if lab.matches(name, ops) else "supplier" if lab.matches(name, sups) else "none"
            out.append((F.role_features(ctx, dep, name, pool, core, far), label))
    return out


def country_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    """Each candidate country of each rule deployment that shares a technology with a gold one."""
    votes = F.country_votes(ctx)
    out = []
    for d in ctx.deployments:
        golds = {g["country"] for g in p.doc.gold.get("deployments", []) if set(g["technologies"]) & set(d.technologies)}
        if not golds:
            continue
        for c in F.country_candidates(ctx, d, votes):
            out.append((F.country_features(ctx, d, c, votes), "yes" if c in golds else "no"))
    return out


def deployment_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    kept = {id(d) for _, d in Labeller(shared, p).pairs(ctx.deployments)}
    return [(F.deployment_features(ctx, k), "yes" if id(d) in kept else "no") for k, d in enumerate(ctx.deployments)]


def technology_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    """Each taxonomy technology of each report: is it among the gold deployments' technologies?"""
    gold = {t for g in p.doc.gold.get("deployments", []) for t in g.get("technologies", [])}
    if not ctx.deployments:
        return []
    return [(F.tech_features(ctx, t), "yes" if t in gold else "no") for t in technologies.taxonomy()]


def entity_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    """Each rule-pass entity, labelled with the type of the gold entity it matches (by the scorer's
    name matching, within its type first), or 'none'."""
    sc = scorer(shared)
    gold = p.doc.gold.get("entities", [])
    mine = list(p.extraction.entities)
    label = {}
    for t in sc.TYPES:  # same type first, as the scorer pairs them
        g = [e for e in gold if e.get("type") == t]
        m = [k for k, e in enumerate(mine) if e.type == t]
        for _, q in sc.greedy(g, [{"name": mine[k].name, "aliases": mine[k].aliases} for k in m],
                              lambda a, b: sc.names_match(sc.names_of(a), sc.names_of(b))):
            label[m[q]] = t
    for k, e in enumerate(mine):
        if k not in label:
            other = next((g for g in gold if sc.names_match(sc.names_of(g), [e.name, *e.aliases])), None)
            label[k] = other["type"] if other else "none"
    return [(F.entity_features(ctx, e), label[k]) for k, e in enumerate(mine)]


def certainty_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    lab = Labeller(shared, p)
    header = ctx.header_words()
    matched = [(F.certainty_features([e.quote for e in d.evidence], header), g["certainty"])
               for g, d in lab.pairs(ctx.deployments) if g.get("certainty")]
    stated = [(F.certainty_features(g["evidence"], header), g["certainty"])  # the gold's own quotes: 2-3x the data
              for g in lab.gold_deps if g.get("certainty") and g.get("evidence")]
    return matched + stated


def start_examples(shared: Path, p: Parsed, ctx: F.Context) -> list[tuple[dict, str]]:
    lab = Labeller(shared, p)
    out = []
    for g, d in lab.pairs(ctx.deployments):
        cands = F.date_candidates(ctx, d)
        gold_year = str(g.get("start") or "")[:4]
        for c in cands:
            out.append((F.date_features(ctx, d, c, cands), "start" if gold_year and c.iso[:4] == gold_year else "other"))
    return out


def relation_examples(shared: Path, p: Parsed, ctx: F.Context) -> tuple[list[tuple[dict, str]], list[tuple[dict, str]]]:
    """(pair examples, certainty examples of the pairs that state a gold relation)."""
    lab = Labeller(shared, p)
    gold = p.doc.gold.get("relations", [])
    rule, roles_of = F.pair_context(ctx)
    cands = list(F.pair_candidates(ctx))
    found: dict[int, tuple[str, dict]] = {}
    for gi, r in enumerate(gold):
        hits = []
        for k, (i, j, m1, m2) in enumerate(cands):
            fwd = lab.matches(m1[2], [r["subject"]]) and lab.matches(m2[2], [r["object"]])
            back = lab.matches(m2[2], [r["subject"]]) and lab.matches(m1[2], [r["object"]])
            if fwd or back:
                arrow = ">" if fwd or r["predicate"] in SYMMETRIC else "<"
                hits.append((k, (ctx.spans[i][0], ctx.spans[j][1]), f"{r['predicate']}{arrow}"))
        ev = p.doc.text.find(r.get("evidence") or "\0")
        stating = [h for h in hits if ev >= 0 and h[1][0] < ev + len(r["evidence"]) and ev < h[1][1]]
        for k, _, label in stating or hits:
            found.setdefault(k, (label, r))
    pairs, certs = [], []
    header = ctx.header_words()
    for k, (i, j, m1, m2) in enumerate(cands):
        label, r = found.get(k, ("none", None))
        pairs.append((F.pair_features(ctx, i, j, m1, m2, rule, roles_of), label))
        if r is not None and r.get("certainty"):
            a, b = ctx.spans[i][0], ctx.spans[j][1]
            certs.append((F.certainty_features([ctx.text[a:b]], header), r["certainty"]))
    return pairs, certs


def fit(examples: list[tuple[dict, str]], c: float, balanced: bool = False) -> LinearModel:
    y = [label for _, label in examples]
    if len(set(y)) < 2:  # one answer in all the data (or none): a constant model says it
        return LinearModel((y[0],) if y else ("none",), {}, (0.0,))
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform([f for f, _ in examples])
    clf = LogisticRegression(C=c, max_iter=5000, random_state=SEED, class_weight="balanced" if balanced else None)
    clf.fit(X, y)
    names = vec.get_feature_names_out()
    coef = clf.coef_
    weights = {}
    for j, name in enumerate(names):
        col = tuple(round(float(coef[r, j]), 5) for r in range(coef.shape[0]))
        if max(abs(w) for w in col) >= MIN_WEIGHT:
            weights[str(name)] = col
    return LinearModel(tuple(str(c) for c in clf.classes_), weights, tuple(round(float(b), 5) for b in clf.intercept_))


def predict(parsed: list[Parsed], refiner: Refiner | None) -> list[tuple[dict, dict, str]]:
    out = []
    for p in parsed:
        x = copy.copy(p.extraction)
        if refiner is not None:
            ctx = p.ctx.fresh()
            refiner.refine(ctx)
            x.deployments, x.relations = ctx.deployments, ctx.relations
            x.entities = [ctx.entities[e.name] for e in x.entities if e.name not in ctx.dropped]  # retyped copies
        else:
            x.deployments, x.relations = p.ctx.deployments, p.ctx.relations
        out.append((p.doc.gold, to_json(x, p.doc.id), p.doc.text))
    return out


def _collect(shared: Path, parsed: list[Parsed], make) -> list[tuple[dict, str]]:
    return [ex for p in parsed for ex in make(shared, p, p.ctx)]


def train(corpus_root: Path, shared: Path, out: Path, extra: list[C.Document] | None = None,
          previous: Path | None = None, log: Callable[[str], None] = print,
          progress: Callable[[int], None] | None = None) -> dict:
    """Train on the corpus's train split (plus `extra` documents, e.g. the register's reviewed
    sources), tune thresholds on dev, score the rules, the `previous` model folder (if any) and the
    new model on dev and test; write `out`; return the manifest."""
    docs = C.load(corpus_root)
    splits = C.split(docs)
    scratch = Path(tempfile.mkdtemp(prefix="counterwatch-ner-"))  # out/ner is replaced only once the folder is written
    ner_record = ner.fine_tune(stock_pipeline(), splits["train"] + list(extra or []), scratch / "ner", SEED, log)
    extractor = Extractor(model_dir=None, ner=scratch / "ner")  # every candidate below comes from the fine-tuned NER
    parsed = {name: parse(ds, extractor, progress) for name, ds in splits.items()}
    train_set = parsed["train"] + (parse(extra, extractor, progress) if extra else [])
    log(f"parsed {sum(len(v) for v in parsed.values())} corpus documents"
        f" ({', '.join(f'{k} {len(v)}' for k, v in parsed.items())}), {len(extra or [])} from the register")

    models: dict[str, LinearModel] = {}
    data = {"country": _collect(shared, train_set, country_examples),
            "deployments": _collect(shared, train_set, deployment_examples),
            "technologies": _collect(shared, train_set, technology_examples),
            "entities": _collect(shared, train_set, entity_examples),
            "roles": _collect(shared, train_set, role_examples),
            "certainty": _collect(shared, train_set, certainty_examples),
            "start": _collect(shared, train_set, start_examples)}
    for name in ("country", "deployments", "technologies", "entities", "roles", "certainty", "start"):
        models[name] = fit(data[name], REGULARISATION[name], balanced=name in BALANCED)
    roles_only = Refiner({"roles": models["roles"]}, dict(DEFAULT_THRESHOLDS), "training")  # as at extraction
    pair_data, cert_data = [], []
    for p in train_set:
        ctx = p.ctx.fresh()
        roles_only.refine(ctx)
        pairs, certs = relation_examples(shared, p, ctx)
        pair_data += pairs
        cert_data += certs
    models["relations"] = fit(pair_data, REGULARISATION["relations"], balanced="relations" in BALANCED)
    models["relation_certainty"] = fit(cert_data, REGULARISATION["relation_certainty"])
    data.update(relations=pair_data, relation_certainty=cert_data)

    thresholds = tune(shared, parsed["dev"], models, log)
    trained = dict(models)
    models, dropped = select(shared, parsed["dev"], models, thresholds, log)
    refiner = Refiner(models, thresholds, "candidate")
    before = Refiner.load(previous) if previous is not None and (previous / "manifest.json").exists() else None
    scores = {}
    for split in ("dev", "test"):  # the rules and the previous folder each over the NER they run with
        stock = parse(splits[split], Extractor(model_dir=None, ner=None))
        scores[split] = {"rules": score(shared, predict(stock, None))}
        if before is not None:  # with its own ner/ if it has one, else the stock parse just made
            was = parse(splits[split], Extractor(model_dir=previous)) if (previous / "ner").is_dir() else stock
            scores[split]["previous"] = score(shared, predict(was, before))
        scores[split]["model"] = score(shared, predict(parsed[split], refiner))
    digest = C.digest(docs)
    manifest = {
        "version": f"cw-linear-{version_id(digest, ner_record)}",
        "corpus": {"root": corpus_root.name, "sha256": digest, "documents": len(docs),
                   "splits": {k: len(v) for k, v in splits.items()}, "split_seed": C.SPLIT_SEED,
                   "register_documents": len(extra or [])},
        "components": {name: {"classes": list(m.classes), "features": len(m.weights), "examples": len(data[name]),
                              "labels": dict(sorted(Counter(label for _, label in data[name]).items())),
                              "C": REGULARISATION[name], "balanced": name in BALANCED, "shipped": name in models} for name, m in trained.items()},
        "thresholds": thresholds,
        "trainer": {"algorithm": "scikit-learn LogisticRegression (lbfgs) over DictVectorizer features",
                    "seed": SEED, "scikit_learn": sklearn.__version__, "python": platform.python_version()},
        "scores": scores,
    }
    manifest["not_shipped"] = dropped
    manifest["ner"] = ner_record
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "ner", ignore_errors=True)
    shutil.move(str(scratch / "ner"), out / "ner")
    shutil.rmtree(scratch, ignore_errors=True)
    for name in COMPONENTS:
        (out / f"{name}.json").unlink(missing_ok=True)
        if name in models:
            models[name].save(out / f"{name}.json")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def version_id(corpus_digest: str, ner_record: dict) -> str:
    """What the folder was trained from and how: the corpus, the settings, and the extraction code and
    lexicons whose candidates and features the models learned (a change to any makes another model)."""
    settings = {"regularisation": REGULARISATION, "balanced": sorted(BALANCED), "seed": SEED, "grids": GRIDS,
                "ner": {k: ner_record[k] for k in ("epochs", "dropout", "batch")}}
    h = hashlib.sha256(corpus_digest.encode())
    h.update(json.dumps(settings, sort_keys=True).encode())
    for package in (extract, data):
        for path in sorted(p for p in Path(package.__file__).parent.iterdir() if p.suffix in (".py", ".yml")):
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:12]


# each component with the dev figure it must improve to ship
FIGURE = {"country": "deployments", "deployments": "deployments", "technologies": "technologies", "entities": "entities", "roles": "operators",
          "relations": "relations", "certainty": "certainty", "start": "start_year"}
# each threshold in turn, with the dev figure it is chosen by
TUNED = (("deployment", "deployments"), ("technology", "technologies"), ("tech_drop", "technologies"), ("entity", "entities"), ("retype", "entities"),
         ("operator", "operators"), ("keep_rule", "operators"), ("operator_floor", "operators"), ("supplier_over_rule", "operators"), ("supplier", "relations"), ("relation", "relations"), ("start", "start_year"))


def dev_figure(shared: Path, dev: list[Parsed], models: dict[str, LinearModel], th: dict[str, float], key: str) -> float:
    """The dev split's figure `key` (an F1 where the scorer gives precision and recall too)."""
    got = score(shared, predict(dev, Refiner(models, th, "dev")))[key]
    return (got["f1"] if isinstance(got, dict) else got) or 0.0


def select(shared: Path, dev: list[Parsed], models: dict[str, LinearModel], th: dict[str, float],
           log: Callable[[str], None]) -> tuple[dict[str, LinearModel], dict[str, str]]:
    """Ship a component only if the dev split's figure it serves is better with it than without:
    where the rules still do better, the rules answer."""
    kept, dropped = dict(models), {}
    for name, key in FIGURE.items():
        with_it = dev_figure(shared, dev, kept, th, key)
        without = dev_figure(shared, dev, {k: v for k, v in kept.items() if k != name}, th, key)
        if with_it <= without:
            kept.pop(name)
            dropped[name] = f"dev {key} {with_it:.3f} with it, {without:.3f} without"
        log(f"component {name}: dev {key} {with_it:.3f} with, {without:.3f} without"
            f" -> {'not shipped' if name in dropped else 'shipped'}")
    return kept, dropped


def tune(shared: Path, dev: list[Parsed], models: dict[str, LinearModel], log: Callable[[str], None]) -> dict[str, float]:
    """Each threshold in turn (TUNED), the one that maximises its dev figure given those chosen before it."""
    th = dict(DEFAULT_THRESHOLDS)
    for name, key in TUNED:
        grid = tuple(sorted({*GRIDS.get(name, GRID), th[name]}))  # the value so far is a candidate: tuning never loses
        got = {v: dev_figure(shared, dev, models, {**th, name: v}, key) for v in grid}
        th[name] = max(got, key=lambda v: (got[v], -abs(v - 0.5)))
        log(f"threshold {name} = {th[name]} (dev {key}: " + ", ".join(f"{v}:{s:.3f}" for v, s in got.items()) + ")")
    return th
