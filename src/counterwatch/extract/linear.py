"""A trained linear classifier kept as JSON (feature -> weight per class): readable, diffable and
loaded without pickle, so a model folder is plain data that `make train` rewrites."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature name -> one weight per class
    intercept: tuple[float, ...]

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(raw["classes"]), {k: tuple(v) for k, v in raw["weights"].items()}, tuple(raw["intercept"]))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"classes": list(self.classes), "intercept": list(self.intercept),
                                    "weights": {k: list(v) for k, v in sorted(self.weights.items())}}),
                        encoding="utf-8")

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        """Class probabilities (softmax; one-vs-rest sigmoid for two classes, as scikit-learn does)."""
        scores = list(self.intercept)
        for name, value in features.items():
            w = self.weights.get(name)
            if w is not None:
                for i, wi in enumerate(w):
                    scores[i] += wi * value
        if len(self.classes) == 2 and len(scores) == 1:
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, scores[0]))))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}

    def best(self, features: dict[str, float]) -> tuple[str, float]:
        p = self.proba(features)
        label = max(p, key=p.get)
        return label, p[label]
