"""Who is looking: the public sees accepted claims only; editors see proposals too.

The web layer sets PUBLIC per request; every query over claims asks `visible()`.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import true

from counterwatch.store import schema as t

PUBLIC: ContextVar[bool] = ContextVar("public", default=False)


def visible():
    """SQL condition on claims for the current viewer."""
    return t.Claim.status == "accepted" if PUBLIC.get() else true()


def visible_sql(alias: str = "c") -> str:
    return f" AND {alias}.status = 'accepted'" if PUBLIC.get() else ""
