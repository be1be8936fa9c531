"""What extraction produces: entities, deployments and relations, each resting on evidence."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """An exact span of the source text: `quote == text[start:end]`."""

    start: int
    end: int
    quote: str
    cue: str | None = None  # the words that set the certainty, if any

    def as_dict(self) -> dict:
        d = {"quote": self.quote, "start": self.start, "end": self.end}
        if self.cue:
            d["cue"] = self.cue
        return d


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str  # organization | person | place


@dataclass
class Entity:
    name: str
    type: str  # organization | person | place
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    kind: str | None = None  # vendor, watchdog, media, agency, research (from the gazetteer)
    mentions: list[Mention] = field(default_factory=list)
    protected_cue: str | None = None  # why this person is suggested as protected (victim, detainee, ...)


def alias_order(names: set[str]) -> list[str]:
    """Shortest first, then by spelling: a set's own order changes with PYTHONHASHSEED, exports must not."""
    return sorted(names, key=lambda a: (len(a), a))


@dataclass
class Deployment:
    name: str
    country: str | None
    places: list[str]
    technologies: list[str]
    operators: list[str]
    suppliers: list[str]
    targets: list[str]
    status: str
    start: str | None
    certainty: str
    evidence: list[Evidence]
    confidence: dict[str, float] = field(default_factory=dict)  # "field=value" -> the model's probability


@dataclass
class Relation:
    subject: str
    predicate: str
    object: str
    certainty: str
    evidence: Evidence
    pattern: str = ""
    confidence: float | None = None  # the model's probability, when a trained model proposed it


@dataclass
class Extraction:
    """Everything extracted from one source."""

    document: dict
    entities: list[Entity]
    deployments: list[Deployment]
    relations: list[Relation]
    words: int = 0
