"""Who is looking, as one object every query, page, API route and export is handed explicitly.

A Viewer says which review statuses of claims are visible and how names are redacted. The public
(anonymous visitors, `--public` exports) sees accepted claims with protected persons redacted;
accounts see every status; only editors and admins, who decide protection, see protected names
(a viewer account reads proposals with those names redacted). Request parameters may narrow a
viewer (`narrow`), never widen it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import Engine

from counterwatch.query.redaction import NONE, Redactor
from counterwatch.register import REGISTER
from counterwatch.store import schema as t
from counterwatch.store.accounts import protected_names

REVIEWED = ("accepted",)
ALL_STATUSES = REGISTER.review_statuses


@dataclass(frozen=True)
class Viewer:
    who: str | None  # user name, None for the public
    role: str | None
    statuses: tuple[str, ...]
    redactor: Redactor = NONE

    @property
    def public(self) -> bool:
        """Sees what the public sees: reviewed claims only (anonymous visitors and viewer accounts)."""
        return set(self.statuses) <= set(REVIEWED)

    def visible(self):
        """SQL condition on claims this viewer may see."""
        return t.Claim.status.in_(self.statuses)

    def visible_sql(self, alias: str = "c") -> str:
        """The same condition as SQL text (the statuses are our own constants, never request input)."""
        return f" AND {alias}.status IN ({', '.join(repr(s) for s in self.statuses)})"

    def sees(self, status: str) -> bool:
        return status in self.statuses

    def narrow(self, include_proposed: bool = True) -> Viewer:
        """This viewer without unreviewed claims when the request asks for reviewed ones only; asking
        for proposals never shows a viewer more than its statuses."""
        return self if include_proposed else replace(self, statuses=tuple(s for s in self.statuses if s in REVIEWED))

    def scrub(self, data):
        return self.redactor.scrub(data)


NAMING_ROLES = ("editor", "admin")


def staff(who: str, role: str) -> Viewer:
    """An editor's or admin's view: every claim, every name."""
    if role not in NAMING_ROLES:
        raise ValueError(f"a {role} account does not see protected names: use for_account")
    return Viewer(who, role, ALL_STATUSES)


def for_account(engine: Engine, who: str, role: str) -> Viewer:
    """An account's view: editors and admins, who review and decide protection, see every claim and
    name; any other account sees what the public sees (reviewed claims, protected names redacted)."""
    if role in NAMING_ROLES:
        return staff(who, role)
    return Viewer(who, role, REVIEWED, _redactor(protected_names(engine)))


STAFF = staff("cli", "admin")  # the command line: whoever runs it holds the database


def public_viewer(engine: Engine) -> Viewer:
    """The public view of the register as it is now (protected persons read from it)."""
    return Viewer(None, None, REVIEWED, _redactor(protected_names(engine)))


@lru_cache(maxsize=8)
def _redactor(names: tuple[str, ...]) -> Redactor:
    """The names are read afresh for every request (a protection decision holds at once); the pattern
    is compiled once per set of names."""
    return Redactor.of(names)
