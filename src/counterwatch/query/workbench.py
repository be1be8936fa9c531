"""What the editor's workbench offers to choose from: the records a source already speaks of."""

from __future__ import annotations

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from counterwatch.store import schema as t
from counterwatch.store.resolution import canonical


def source_records(engine: Engine, source_id: int) -> dict[str, list[dict]]:
    """Deployments and live entities with a claim from this source (or, for deployments, read from it):
    the targets a new claim quoting this source most likely has. Editors only: names are not redacted."""
    with Session(engine) as session:
        claimed = select(t.Claim.record_id).where(t.Claim.source_id == source_id, t.Claim.record_type == "deployment")
        deployments = session.execute(select(t.Deployment.id, t.Deployment.name).where(
            or_(t.Deployment.source_id == source_id, t.Deployment.id.in_(claimed))).order_by(t.Deployment.id)).all()
        mentioned = session.scalars(select(t.Claim.record_id).where(
            t.Claim.source_id == source_id, t.Claim.record_type == "entity").distinct()).all()
        live = {canonical(session, i) for i in mentioned}
        entities = session.execute(select(t.Entity.id, t.Entity.name, t.Entity.type).where(t.Entity.id.in_(live))
                                   .order_by(t.Entity.name)).all() if live else []
        return {"deployments": [{"id": i, "name": n} for i, n in deployments],
                "entities": [{"id": i, "name": n, "type": ty} for i, n, ty in entities]}
