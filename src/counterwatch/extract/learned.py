"""The trained layer over the rule pass: roles, relations, certainty and start dates by the linear
models of a model folder (`make train` writes it; `models/MANIFEST` says what it was trained on).

Without a model folder, or with COUNTERWATCH_MODEL=rules, extraction is the rule pass alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from counterwatch.extract import certainty as rule_certainty
from counterwatch.extract import features as F
from counterwatch.extract import person_fields, places, program_links, technologies, titles, unit_names
from counterwatch.extract.linear import LinearModel
from counterwatch.findings import Evidence, Relation
from counterwatch.register import REGISTER

COMPONENTS = ("country", "deployments", "technologies", "entities", "roles", "relations", "certainty", "relation_certainty", "start")
DEFAULT_THRESHOLDS = {"deployment": 0.5, "entity": 0.5, "operator": 0.5, "supplier": 0.5, "relation": 0.5, "start": 0.3, "keep_rule": 0.9, "retype": 0.3,
                      "operator_floor": 1.0, "technology": 1.0, "tech_drop": 0.0,
                      "supplier_over_rule": 1.0}  # 1.0: the grammar's operator always stands
TITLE_REACH = 3  # sentences back a titled person's body is looked for, to quote it with them
SYMMETRIC = {p for p, link in REGISTER.predicates.items() if link.symmetric}  # register.yml
TYPES = REGISTER.entity_types


def packaged_model_dir() -> Path:
    return Path(str(files("counterwatch").joinpath("models", "current")))


def default_model_dir() -> Path | None:
    """COUNTERWATCH_MODEL (a folder, or 'rules' for none), else the folder shipped in the package."""
    env = os.environ.get("COUNTERWATCH_MODEL")
    if env == "rules":
        return None
    path = Path(env) if env else packaged_model_dir()
    return path if (path / "manifest.json").exists() else None


@dataclass
class Refiner:
    """Applies the trained components of one model folder to a rule pass (see `refine`)."""

    models: dict[str, LinearModel]
    thresholds: dict[str, float]
    version: str

    def __post_init__(self) -> None:
        self.thresholds = {**DEFAULT_THRESHOLDS, **self.thresholds}  # a folder older than a threshold keeps its default

    @classmethod
    def load(cls, folder: Path) -> "Refiner":
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        models = {c: LinearModel.load(folder / f"{c}.json") for c in COMPONENTS if (folder / f"{c}.json").exists()}
        return cls(models, {**DEFAULT_THRESHOLDS, **manifest.get("thresholds", {})}, manifest.get("version", "?"))

    def refine(self, ctx: F.Context) -> None:
        """Rewrite the rule pass's deployments, roles, certainty, start and relations in place, and
        mark the entities to leave out in `ctx.dropped`."""
        if "country" in self.models:
            votes = F.country_votes(ctx)
            for dep in ctx.deployments:
                cands = F.country_candidates(ctx, dep, votes)
                if cands:
                    dep.country = max(cands, key=lambda c: self.models["country"].proba(
                        F.country_features(ctx, dep, c, votes)).get("yes", 0.0))
        if "deployments" in self.models:
            p = [self.models["deployments"].proba(F.deployment_features(ctx, k)).get("yes", 1.0)
                 for k in range(len(ctx.deployments))]
            best = {}  # the likeliest deployment of each country stays: its technologies are the report's
            for k, d in enumerate(ctx.deployments):
                if d.country not in best or p[k] > p[best[d.country]]:
                    best[d.country] = k
            keep = [p[k] >= self.thresholds["deployment"] or best[d.country] == k for k, d in enumerate(ctx.deployments)]
            ctx.deployments = _fold(ctx.deployments, keep)
        if "technologies" in self.models:
            self._technologies(ctx)
        if "entities" in self.models:
            self._entities(ctx)
        if "certainty" in self.models:
            header = ctx.header_words()
            for dep in ctx.deployments:
                dep.certainty, p = self.models["certainty"].best(F.certainty_features([e.quote for e in dep.evidence], header))
                dep.confidence["certainty"] = round(p, 4)
        if "start" in self.models:
            for dep in ctx.deployments:
                dep.start = self._start(ctx, dep)
        if "roles" in self.models:
            for dep in ctx.deployments:
                self._roles(ctx, dep)
        if "relations" in self.models:  # what a unit's name or a person's field states stands whatever the model says
            stated = [r for r in ctx.relations if r.pattern in (unit_names.PATTERN, person_fields.PATTERN)]
            found = self._relations(ctx)
            have = {(r.subject, r.predicate, r.object) for r in found}
            ctx.relations = found + [r for r in stated if (r.subject, r.predicate, r.object) not in have]
        used = {n for d in ctx.deployments for n in (*d.operators, *d.suppliers, *d.places)}
        ctx.dropped -= used | {n for r in ctx.relations for n in (r.subject, r.object)}

    def _technologies(self, ctx: F.Context) -> None:
        """Add the technologies the report implies to the deployment that names them (or the first),
        and take out of a deployment one that holds others a technology the report likely lacks."""
        if not ctx.deployments:
            return
        p = {t: self.models["technologies"].proba(F.tech_features(ctx, t)).get("yes", 0.0) for t in technologies.taxonomy()}
        said = F.tech_mentions(ctx)
        for t, pt in p.items():
            holders = [d for d in ctx.deployments if t in d.technologies]
            if pt >= self.thresholds["technology"] and not holders:
                near = [d for d in ctx.deployments if set(said.get(t, ())) & set(ctx.pool(d))]
                (near or ctx.deployments)[0].technologies.append(t)
            elif pt < self.thresholds["tech_drop"]:
                for d in holders:
                    if len(d.technologies) > 1:
                        d.technologies.remove(t)

    def _entities(self, ctx: F.Context) -> None:
        """Leave out what is no entity of the body; retype what the parser mislabelled
        ("Sistemas Tácticos Andinos S.A.S." is no person)."""
        for e in ctx.entities.values():
            p = self.models["entities"].proba(F.entity_features(ctx, e))
            if 1.0 - p.get("none", 0.0) < self.thresholds["entity"]:
                ctx.dropped.add(e.name)
                continue
            best = max(TYPES, key=lambda t: p.get(t, 0.0))
            if best != e.type and p.get(best, 0.0) - p.get(e.type, 0.0) >= self.thresholds["retype"]:
                e.type = best
                e.country = places.country_of(e.name) if best == "place" else e.country

    def role_scores(self, ctx: F.Context, dep) -> dict[str, dict[str, float]]:
        pool, core, far = ctx.pool(dep), set(ctx.core(dep)), F.far_sentences(ctx, dep)
        return {name: self.models["roles"].proba(F.role_features(ctx, dep, name, pool, core, far))
                for name in F.role_candidates(ctx, dep, pool, far)}

    def _roles(self, ctx: F.Context, dep) -> None:
        scores = self.role_scores(ctx, dep)
        ops = sorted((n for n, p in scores.items() if p.get("operator", 0) >= self.thresholds["operator"]),
                     key=lambda n: -scores[n]["operator"])
        sups = sorted((n for n, p in scores.items() if n not in ops and p.get("supplier", 0) >= self.thresholds["supplier"]),
                      key=lambda n: -scores[n]["supplier"])
        if not ops:  # the model names no one: the grammar's operators stand, as proposals to review, unless the
            # model is sure enough it is the supplier ("a match using Clearview AI" names the tool's maker)
            ops = [n for n in dep.operators if scores.get(n, {}).get("none", 0.0) < self.thresholds["keep_rule"]
                   and scores.get(n, {}).get("supplier", 0.0) < self.thresholds["supplier_over_rule"]]
        sups = [n for n in sups if n not in ops]
        rest = [n for n in scores if n not in sups]
        if not ops and rest:  # nor the grammar: a program has someone running it, the likeliest if likely enough
            best = max(rest, key=lambda n: scores[n].get("operator", 0.0))
            if scores[best].get("operator", 0.0) >= self.thresholds["operator_floor"]:
                ops = [best]
        dep.operators, dep.suppliers = ops, sups
        dep.confidence.update({f"operator={n}": round(scores[n].get("operator", 0.0), 4) for n in ops if n in scores})
        dep.confidence.update({f"supplier={n}": round(scores[n].get("supplier", 0.0), 4) for n in sups if n in scores})
        _cite_actors(ctx, dep, [*ops, *sups])

    def _start(self, ctx: F.Context, dep) -> str | None:
        cands = F.date_candidates(ctx, dep)
        if not cands:
            return None
        scored = [(self.models["start"].proba(F.date_features(ctx, dep, c, cands)).get("start", 0.0), c) for c in cands]
        p, best = max(scored, key=lambda x: (x[0], -x[1].offset))
        return best.iso if p >= self.thresholds["start"] else None

    def _relations(self, ctx: F.Context) -> list[Relation]:
        rule, roles_of = F.pair_context(ctx)
        best: dict[tuple[str, str, str], tuple[float, int, int]] = {}
        for i, j, m1, m2 in F.pair_candidates(ctx):
            label, p = self.models["relations"].best(F.pair_features(ctx, i, j, m1, m2, rule, roles_of))
            if label == "none" or p < self.thresholds["relation"]:
                continue
            pred, arrow = label[:-1], label[-1]
            subj, obj = (m1[2], m2[2]) if arrow == ">" else (m2[2], m1[2])
            if pred in SYMMETRIC:
                subj, obj = sorted((subj, obj))
            k = (subj, pred, obj)
            if k not in best or p > best[k][0]:
                best[k] = (p, i, j)
        out = []
        for (subj, pred, obj), (p, i, j) in best.items():
            out.append(self._relation(ctx, subj, pred, obj, i, "model", j))
            out[-1].confidence = round(p, 4)
        out.extend(self._implied(ctx, {(s, o) for s, p, o in best if p == "supplies"}))
        parents = {s: o for s, p, o in [*best, *((r.subject, r.predicate, r.object) for r in ctx.relations)] if p == "part_of"}
        out.extend(self._program_links(ctx, {(r.subject, r.predicate, r.object) for r in out}, parents))
        out.extend(self._titled(ctx, {s for s, p, _ in best if p == "affiliated_with"}))
        return out

    def _titled(self, ctx: F.Context, placed: set[str]) -> list[Relation]:
        """A person no relation places, whose title names a body of the report ("Customs director X"),
        is affiliated with it; the quote runs from the body's last mention (within TITLE_REACH
        sentences) to the person's sentence."""
        orgs = [n for n, e in ctx.entities.items() if e.type == "organization" and n not in ctx.dropped]
        out = []
        for i, (a, _) in enumerate(ctx.spans):
            for ms, _, name in ctx.by_sentence[i]:
                if name in placed or ctx.entities[name].type != "person":
                    continue
                title = titles.title_before(ctx.text, a, ms)
                body = titles.body_of(title, orgs) if title else None
                if body is None:
                    continue
                placed.add(name)
                back = next((k for k in range(i, max(-1, i - TITLE_REACH - 1), -1)
                             if any(m == body for _, _, m in ctx.by_sentence[k])), i)
                out.append(self._relation(ctx, name, "affiliated_with", body, back, "titled", i))
        return out

    def _program_links(self, ctx: F.Context, have: set[tuple[str, str, str]], parents: dict[str, str]) -> list[Relation]:
        """An actor a sentence names as funding or supplying the program, without its counterpart,
        funds or supplies the body that runs the deployment told there (the nearest by sentence): its
        operator, or for funding the top of its part_of chain ("the purchase was financed by X" funds
        the municipality, not its security office). The report's own work ("This research was funded by
        X") funds its author, the organization its masthead names. The sentence is the quote."""
        def is_actor(name: str) -> bool:
            return ctx.entities[name].type == "organization"

        def is_party(name: str) -> bool:
            return ctx.entities[name].type != "place"
        cores = [(sorted({ctx.sentence_at(ev.start) for ev in d.evidence} - {-1}), d) for d in ctx.deployments if d.operators]
        out = []
        for i, span in enumerate(ctx.spans):
            for link, actor, recipient in program_links.stated(ctx.text, span, ctx.by_sentence[i], is_actor, is_party):
                if recipient == program_links.AUTHOR:
                    recipient = ctx.author()
                    if recipient is None:
                        continue
                elif recipient is None:
                    near = [(min(abs(i - j) for j in core), d) for core, d in cores if core]
                    if not near:
                        continue
                    dep = min(near, key=lambda x: x[0])[1]
                    if actor in dep.operators:
                        continue
                    recipient = _top(dep.operators[0], parents) if link.recipient == "top" else dep.operators[0]
                k = (actor, link.predicate, recipient)
                if recipient != actor and k not in have:
                    have.add(k)
                    out.append(self._relation(ctx, actor, link.predicate, recipient, i, "program"))
        return out

    def _relation(self, ctx: F.Context, subj: str, pred: str, obj: str, i: int, how: str, j: int | None = None) -> Relation:
        a, b = ctx.spans[i][0], ctx.spans[i if j is None else j][1]
        quote = ctx.text[a:b]
        level, cue = rule_certainty.classify(quote)
        if "relation_certainty" in self.models:
            level = self.models["relation_certainty"].best(F.certainty_features([quote], ctx.header_words()))[0]
        return Relation(subj, pred, obj, level, Evidence(a, b, quote, cue), pattern=f"{how}:{self.version}")

    def _implied(self, ctx: F.Context, have: set[tuple[str, str]]) -> list[Relation]:
        """A deployment's supplier supplies its operator: cite the sentence naming both, or the one naming the supplier."""
        out = []
        for dep in ctx.deployments:
            reach = ctx.reach(dep) if dep.suppliers and dep.operators else []
            for s in dep.suppliers:
                for o in dep.operators:
                    if (s, o) in have or ctx.entities[s].type != "organization":
                        continue
                    named = [i for i in reach if s in {m for _, _, m in ctx.by_sentence[i]}]
                    # the sentence naming both, else the one stating the supply ("installed by S")
                    i = next((i for i in named if o in {m for _, _, m in ctx.by_sentence[i]}), named[0] if named else None)
                    if i is not None:
                        have.add((s, o))
                        out.append(self._relation(ctx, s, "supplies", o, i, "implied"))
        return out


def _top(name: str, parents: dict[str, str]) -> str:
    seen = {name}
    while parents.get(name) not in (None, *seen):
        name = parents[name]
        seen.add(name)
    return name


def _fold(deps: list, keep: list[bool]) -> list:
    """Kept deployments; a rejected one is folded into the first kept one of its country (its
    technologies and quotes are still the report's), or left out when there is none."""
    kept = [d for d, ok in zip(deps, keep) if ok]
    for d, ok in zip(deps, keep):
        if ok:
            continue
        home = next((k for k in kept if k.country == d.country and set(k.technologies) & set(d.technologies)), None) \
            or next((k for k in kept if k.country == d.country), None)
        if home is not None:
            home.technologies = list(dict.fromkeys([*home.technologies, *d.technologies]))
            home.evidence.extend(e for e in d.evidence if e not in home.evidence)
    return kept


def _cite_actors(ctx: F.Context, dep, names: list[str]) -> None:
    """Every operator and supplier is named in one of the deployment's quotes."""
    cited = {ctx.sentence_at(ev.start) for ev in dep.evidence}
    reach = ctx.reach(dep) if names else []
    for name in names:
        sentences = [i for i in reach if any(m == name for _, _, m in ctx.by_sentence[i])]
        if sentences and not cited & set(sentences):
            a, b = ctx.spans[sentences[0]]
            dep.evidence.append(Evidence(a, b, ctx.text[a:b], None))
            cited.add(sentences[0])
