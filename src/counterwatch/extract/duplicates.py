"""One document, one record per deployment: the last step of extraction folds deployments that are the
same one told twice (after the trained layer rewrote roles and places, two sentence groups can come
out with the same name, or the same technologies, operators and country).

Why here and not in the register: two records of one source are extraction's mistake, and the
register's resolution never merges deployments of the same source (it keeps them apart on purpose).
"""

from __future__ import annotations

from counterwatch.findings import Deployment


def _same(a: Deployment, b: Deployment) -> bool:
    if a.country != b.country or (a.certainty == "speculative") != (b.certainty == "speculative"):
        return False
    if a.name.casefold() == b.name.casefold():
        return True
    return set(a.technologies) == set(b.technologies) and set(a.operators) == set(b.operators)


def _uniq(*lists: list) -> list:
    return list(dict.fromkeys(v for values in lists for v in values))


def fold(deployments: list[Deployment]) -> list[Deployment]:
    """The deployments with each duplicate folded into its first occurrence (fields joined, quotes kept)."""
    kept: list[Deployment] = []
    for d in deployments:
        home = next((k for k in kept if _same(k, d)), None)
        if home is None:
            kept.append(d)
            continue
        home.technologies = _uniq(home.technologies, d.technologies)
        home.operators = _uniq(home.operators, d.operators)
        home.suppliers = [s for s in _uniq(home.suppliers, d.suppliers) if s not in home.operators]
        home.places = _uniq(home.places, d.places)
        home.targets = _uniq(home.targets, d.targets)
        home.start = min(filter(None, (home.start, d.start)), default=None)
        home.evidence.extend(e for e in d.evidence if e not in home.evidence)
        home.confidence = {**d.confidence, **home.confidence}
    return kept
