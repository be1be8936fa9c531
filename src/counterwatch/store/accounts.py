"""Accounts, roles and API tokens. Passwords are argon2 hashes; tokens are stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from counterwatch.store import audit
from counterwatch.store import schema as t

ROLES = ("admin", "editor", "viewer")
RANK = {"viewer": 1, "editor": 2, "admin": 3}
MIN_PASSWORD = 10
_hasher = PasswordHasher()


class AccountError(ValueError):
    pass


def add_user(engine: Engine, username: str, password: str, role: str, actor: str = "cli") -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password needs at least {MIN_PASSWORD} characters")
    with Session(engine) as session, session.begin():
        if session.scalar(select(t.User).where(t.User.username == username)):
            raise AccountError(f"user {username!r} exists")
        session.add(t.User(username=username, role=role, password_hash=_hasher.hash(password)))
        audit.record(session, actor, "user.add", f"user:{username}", after={"role": role})


def remove_user(engine: Engine, username: str, actor: str = "cli") -> None:
    with Session(engine) as session, session.begin():
        user = session.scalar(select(t.User).where(t.User.username == username))
        if user is None:
            raise AccountError(f"no user {username!r}")
        audit.record(session, actor, "user.remove", f"user:{username}", before={"role": user.role})
        session.delete(user)


def authenticate(engine: Engine, username: str, password: str) -> tuple[str, str] | None:
    """(username, role) when the password is right, else None (same work either way)."""
    with Session(engine) as session:
        user = session.scalar(select(t.User).where(t.User.username == username))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY, password)
        except (VerifyMismatchError, InvalidHashError):
            return None
        return (user.username, user.role) if user else None


def new_token(engine: Engine, username: str, actor: str = "cli") -> str:
    """Create an API token for a user; the token is shown once and stored only as a hash."""
    token = "cw_" + secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        user = session.scalar(select(t.User).where(t.User.username == username))
        if user is None:
            raise AccountError(f"no user {username!r}")
        session.add(t.ApiToken(user_id=user.id, token_sha256=hashlib.sha256(token.encode()).hexdigest()))
        audit.record(session, actor, "token.create", f"user:{username}")
    return token


def user_for_token(engine: Engine, token: str) -> tuple[str, str] | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    with Session(engine) as session:
        row = session.execute(select(t.User.username, t.User.role).join(t.ApiToken, t.ApiToken.user_id == t.User.id)
                              .where(t.ApiToken.token_sha256 == digest)).first()
        return tuple(row) if row else None


def allows(role: str | None, needed: str) -> bool:
    return RANK.get(role or "", 0) >= RANK[needed]


_DUMMY = _hasher.hash("not a password of anyone")


def protected_names(engine: Engine) -> list[str]:
    """Names and aliases of every person who is protected now (decision, else suggestion)."""
    with Session(engine) as session:
        people = session.scalars(select(t.Entity).where(t.Entity.type == "person")).unique().all()
        return sorted({n for e in people if e.protected for n in [e.name, *(a.name for a in e.aliases)]})


def set_protected(engine: Engine, entity_id: int, protected: bool | None, actor: str) -> None:
    """An editor's decision on a person: protected (True), may be named (False), or back to the suggestion (None)."""
    with Session(engine) as session, session.begin():
        entity = session.get(t.Entity, entity_id)
        if entity is None or entity.type != "person":
            raise AccountError(f"no person with id {entity_id}")
        audit.record(session, actor, "entity.protect", f"entity:{entity_id}",
                     before={"decision": entity.protected_decision}, after={"decision": protected})
        entity.protected_decision = protected
