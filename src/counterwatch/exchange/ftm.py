"""FollowTheMoney entities (JSON lines) for Aleph and OpenSanctions-style tools.

Entity-valued claims name their actor by entity id, resolved through the register's one map of merges
(store/survivors.py); merged deployments are one Project. The schemata come from register.yml:
organisation kinds map to schemata (agency -> PublicBody, vendor/company -> Company); deployments
become Projects with a ProjectParticipant per entity-valued field (role operator / supplier); each
predicate becomes its link schema (Membership, Payment, Associate, else UnknownLink); every source is a
Document linked by Documentation. The quote a statement rests on travels in `summary`/`description`
and the source URL in `sourceUrl`.
"""

from __future__ import annotations

from collections.abc import Iterator

from followthemoney import model

from counterwatch.exchange.snapshot import Snapshot
from counterwatch.register import REGISTER
from counterwatch.store import schema as t

DATASET = "counterwatch"


def _make(schema: str, *id_parts: str):
    proxy = model.make_entity(schema)
    proxy.make_id(DATASET, schema, *id_parts)
    return proxy


def entities(snap: Snapshot) -> Iterator[dict]:
    ids: dict[int, str] = {}
    for src in snap.sources.values():
        doc = _make("Document", src.sha256)
        doc.add("title", src.title or src.uri)
        doc.add("sourceUrl", src.uri if "://" in src.uri else None)
        doc.add("publisher", src.publisher)
        doc.add("contentHash", src.sha256)
        yield doc.to_dict()
    docs = {sid: _make("Document", s.sha256).id for sid, s in snap.sources.items()}
    for eid, e in snap.entities.items():
        if e.type == "place":
            continue
        schema = REGISTER.entity_schema(e.type, e.kind)
        proxy = _make(schema, str(eid), e.name)
        proxy.add("name", e.name)
        proxy.add("alias", snap.aliases.get(eid, []))
        proxy.add("country", e.country)
        ids[eid] = proxy.id
        yield proxy.to_dict()
        for sid in {c.source_id for c in snap.claims[("entity", eid)]}:
            link = _make("Documentation", docs[sid], proxy.id)
            link.add("document", docs[sid])
            link.add("entity", proxy.id)
            link.add("role", "mentioned")
            yield link.to_dict()
    for did, members in snap.programs().items():
        d, claims = snap.deployments[did], snap.program_claims(members)
        values = lambda fld: list(dict.fromkeys(c.value for c in claims if c.field == fld))  # noqa: E731
        project = _make("Project", str(did))
        project.add("name", d.name)
        project.add("country", values("country"))
        project.add("summary", ", ".join(values("technology")))
        project.add("status", values("status"))
        project.add("startDate", values("start"))
        first = next((c for c in claims if c.field == "evidence"), claims[0] if claims else None)
        if first:
            project.add("description", first.quote)
            src = snap.sources[first.source_id]
            project.add("sourceUrl", src.uri if "://" in src.uri else None)
        yield project.to_dict()
        for fld, spec in REGISTER.entity_fields.items():
            role = spec.ftm_role
            named: dict[str, t.Claim] = {}  # one participant per actor and role, cited by its first claim
            for claim in claims:
                actor = ids.get(snap.live.entity(claim.entity_id)) if claim.field == fld else None
                if actor is not None:
                    named.setdefault(actor, claim)
            for actor, claim in named.items():
                part = _make("ProjectParticipant", project.id, actor, role)
                part.add("project", project.id)
                part.add("participant", actor)
                part.add("role", role)
                part.add("summary", claim.quote)
                part.add("status", claim.certainty)
                yield part.to_dict()
    for rid, r in snap.relations.items():
        s, o = ids.get(r.subject_id), ids.get(r.object_id)
        claim = snap.first("relation", rid)
        if s is None or o is None or claim is None:
            continue
        proxy = _relation(r.predicate, s, o, snap.entities[r.subject_id].type, snap.entities[r.object_id].type)
        for prop, value in (("summary", claim.quote), ("status", claim.certainty)):
            if prop in proxy.schema.properties:  # not every link schema has a status
                proxy.add(prop, value)
        yield proxy.to_dict()


def _relation(predicate: str, s: str, o: str, s_type: str, o_type: str):
    """The predicate's link schema (register.yml) between the two actors."""
    link = REGISTER.link(predicate, s_type, o_type)
    proxy = _make(link.ftm, s, o, predicate)
    proxy.add(link.subject, s)
    proxy.add(link.object, o)
    for prop, value in link.properties.items():
        proxy.add(prop, value)
    if link.role:
        proxy.add("role", predicate.replace("_", " "))
    return proxy
