"""The register's model, read from data/register.yml: record types and their fields, certainty levels
with their order and weight, statuses, predicates and their FollowTheMoney schemata.

Why data: the vocabulary was written out in every layer (writer, record views, facets, search, graph,
pictures, exports, CLI help) and the copies drifted. As followthemoney does with its schemata, the code
stays generic over one declaration. At the bottom of the package order: every layer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from counterwatch.data import load


@dataclass(frozen=True)
class Certainty:
    name: str
    weight: float  # an edge's cost in the path graph
    hedged: bool = False  # alleged or speculative: drawn dashed
    denial: bool = False  # the source denies the claim
    colour: str = ""


@dataclass(frozen=True)
class Field:
    """A field of a record type, as register.yml declares it."""

    name: str
    attribute: str | None = None  # the extraction's Deployment attribute holding its value(s)
    single: bool = False  # one value per record: two sources disagreeing is a conflict
    names_entity: bool = False  # its claims hold the named entity's id, resolved through merges when read
    edge: str | None = None  # entity-valued: the predicate of the edge entity -> record
    ftm_role: str | None = None  # entity-valued: the ProjectParticipant role on export
    facet: str | None = None  # search facet: the index token prefix
    filter: str | None = None  # search facet: the filter's name
    editable: bool = False  # an editor may claim it by hand
    event: str | None = None  # a dated field: the timeline event its value dates


@dataclass(frozen=True)
class Link:
    """The FollowTheMoney schema a predicate becomes: its subject and object properties, fixed
    properties, and the entity types it needs (else the fallback link)."""

    ftm: str
    subject: str
    object: str
    properties: dict[str, str] = field(default_factory=dict)
    object_type: str | None = None
    types: tuple[str, ...] = ()
    role: bool = False  # the predicate travels in the schema's `role` (words, not snake case)
    symmetric: bool = False

    def fits(self, subject_type: str, object_type: str) -> bool:
        if self.object_type and object_type != self.object_type:
            return False
        return not self.types or (subject_type, object_type) == self.types


class Register:
    """The declarations of register.yml with the look-ups the layers need."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.certainty = {c["name"]: Certainty(**c) for c in spec["certainties"]}
        self.certainties = tuple(self.certainty)  # most credible first
        self.denied = next(c.name for c in self.certainty.values() if c.denial)
        self.default_certainty: str = spec["default_certainty"]
        self.unknown_weight: float = spec["unknown_weight"]
        self.statuses = tuple(s["name"] for s in spec["statuses"])
        self.default_status: str = spec["default_status"]
        self.status_events = {s["name"]: s["event"] for s in spec["statuses"] if s.get("event")}
        self.denial_event: str = spec["denial_event"]
        self.review_statuses = tuple(spec["review_statuses"])
        records = spec["records"]
        self.entity_types = tuple(records["entity"]["types"])
        self.fields = {r: {n: Field(n, **(f or {})) for n, f in (body.get("fields") or {}).items()}
                       for r, body in records.items()}
        self.deployment = self.fields["deployment"]
        self.entity_fields = {n: f for n, f in self.deployment.items() if f.edge}
        self.entity_valued = frozenset(n for n, f in self.deployment.items() if f.names_entity)
        self.facets = {n: f for n, f in self.deployment.items() if f.facet}
        self.single_valued = frozenset(n for n, f in self.deployment.items() if f.single)
        self.editable = tuple(n for n, f in self.deployment.items() if f.editable)
        self.dated = {n: f.event for n, f in self.deployment.items() if f.event}
        self.predicates = {p: Link(**_tuples(link)) for p, link in spec["predicates"].items()}
        self.fallback_link = Link(**spec["fallback_link"])
        schemata = spec["entity_schemata"]
        self._person, self._organization, self._kinds = schemata["person"], schemata["organization"], schemata["kinds"]

    def weight(self, certainty: str) -> float:
        return self.certainty[certainty].weight if certainty in self.certainty else self.unknown_weight

    def rank(self, certainty: str) -> int:
        """Position in the credibility order (0: most credible); undeclared levels after all."""
        return self.certainties.index(certainty) if certainty in self.certainty else len(self.certainties)

    def link(self, predicate: str, subject_type: str, object_type: str) -> Link:
        """The FtM link schema of `predicate` between entities of these types."""
        link = self.predicates.get(predicate)
        return link if link is not None and link.fits(subject_type, object_type) else self.fallback_link

    def link_schemata(self) -> dict[str, Link]:
        """Every FtM link schema the register writes, by schema name (for import)."""
        return {link.ftm: link for link in [*self.predicates.values(), self.fallback_link]}

    def predicate_of(self, schema: str, role: str | None) -> str:
        """The predicate an imported FtM link stands for: its schema's, or its role's."""
        named = [p for p, link in self.predicates.items() if link.ftm == schema and not link.role]
        return named[0] if named else (role or "collaborates with").replace(" ", "_")

    def entity_schema(self, entity_type: str, kind: str | None) -> str:
        if entity_type == "person":
            return self._person
        return self._kinds.get(kind or "", self._organization)

    def entity_of_schema(self, schema: str) -> tuple[str, str | None] | None:
        """(entity type, kind) of an imported FtM entity schema, None for one that is no actor."""
        if schema == self._person:
            return "person", None
        kinds = {s: k for k, s in self._kinds.items()}  # a schema's last declared kind
        if schema in kinds:
            return "organization", kinds[schema]
        return ("organization", None) if schema in (self._organization, "LegalEntity") else None


def _tuples(link: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in link.items()}


REGISTER = Register(load("register.yml"))
