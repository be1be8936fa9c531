"""The audit log: append-only, written in the same transaction as the change it records."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.store import schema as t


def record(session: Session, actor: str, action: str, target: str, before=None, after=None) -> None:
    dump = lambda v: None if v is None else json.dumps(v, ensure_ascii=False, default=str)  # noqa: E731
    session.add(t.AuditEntry(actor=actor, action=action, target=target, before=dump(before), after=dump(after)))


def entries(engine: Engine, limit: int = 1000) -> list[dict]:
    with Session(engine) as session:
        rows = session.scalars(select(t.AuditEntry).order_by(t.AuditEntry.id.desc()).limit(limit))
        return [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor, "action": r.action, "target": r.target,
                 "before": json.loads(r.before) if r.before else None, "after": json.loads(r.after) if r.after else None}
                for r in rows]
