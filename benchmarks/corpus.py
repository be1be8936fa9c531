"""Deterministic corpus of realistic reports for benchmarks: actors, places and technologies from
pools.yml, varied length, hedges, denials and page debris. Usage: python corpus.py N DIR [--seed S]"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

import yaml

POOLS = yaml.safe_load((Path(__file__).with_name("pools.yml")).read_text())

SHAPES = [
    "The {op} has deployed {tech} in {place} since {year}, {hedge} {wd}.",
    "{vendor} supplied {tech} to the {op}, {hedge} {wd}.",
    "{person}, a researcher at {wd}, said the {tech} are used to monitor {target} in {place}.",
    "The {op} denied that it uses {tech} against {target}.",
    "Critics fear the {tech} could be used to track {target} across {place}.",
    "In {year}, the {op} signed a contract with {vendor} to install {tech} in {place}.",
    "Officials said the programme in {place} would expand to more districts next year.",
    "{wd} found that {tech} were {hedge} used during protests in {place}.",
]


def report(rng: random.Random, i: int) -> str:
    pick = lambda k: rng.choice(POOLS[k])  # noqa: E731
    lines = [f"Report {i}: {pick('technologies').capitalize()} in {pick('places')}", "", pick("debris"), ""]
    for _ in range(rng.randint(3, 12)):
        para = " ".join(rng.choice(SHAPES).format(
            op=pick("operators"), vendor=pick("vendors"), wd=pick("watchdogs"), person=pick("people"),
            place=pick("places"), tech=pick("technologies"), target=pick("targets"), hedge=pick("hedges"),
            year=rng.randint(2012, 2025)) for _ in range(rng.randint(2, 5)))
        lines += [para, ""]
    lines += ["Comments", "Anonymous says:", f"I saw {pick('vendors')} vans near {pick('places')}."]
    return "\n".join(lines)


def generate(n: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    rng = random.Random(seed)
    for i in range(n):
        yield f"report-{i:06d}", report(rng, i)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in generate(args.n, args.seed):
        (args.out / f"{name}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
