"""Accounts, roles and API tokens. Passwords are argon2 hashes; tokens are stored as SHA-256.

A browser session is valid while its account exists with the session version it was issued under:
logout, removal and role or password changes raise the version and so end every session of the account.
"""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import Engine, and_, or_, select
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


def _user(session: Session, username: str) -> t.User:
    user = session.scalar(select(t.User).where(t.User.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def set_role(engine: Engine, username: str, role: str, actor: str = "cli") -> None:
    """Change an account's role; its sessions end (a cookie must not keep the old rights)."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with Session(engine) as session, session.begin():
        user = _user(session, username)
        audit.record(session, actor, "user.role", f"user:{username}", before={"role": user.role}, after={"role": role})
        user.role, user.session_version = role, user.session_version + 1


def set_password(engine: Engine, username: str, password: str, actor: str = "cli") -> None:
    """Change an account's password; its sessions end."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password needs at least {MIN_PASSWORD} characters")
    with Session(engine) as session, session.begin():
        user = _user(session, username)
        audit.record(session, actor, "user.password", f"user:{username}")
        user.password_hash, user.session_version = _hasher.hash(password), user.session_version + 1


def end_sessions(engine: Engine, username: str) -> None:
    """Void every session cookie of an account (logout: a replayed cookie is no longer anyone)."""
    with Session(engine) as session, session.begin():
        user = session.scalar(select(t.User).where(t.User.username == username))
        if user is not None:
            user.session_version += 1


def session_claims(engine: Engine, username: str) -> dict:
    """What a new session cookie carries: the account's id, name and current session version."""
    with Session(engine) as session:
        user = _user(session, username)
        return {"uid": user.id, "name": user.username, "v": user.session_version}


def session_user(engine: Engine, claims: dict) -> tuple[str, str] | None:
    """(username, role) while the session's account exists unchanged since the cookie was issued."""
    if not isinstance(claims, dict) or not isinstance(claims.get("uid"), int):
        return None
    with Session(engine) as session:
        user = session.get(t.User, claims["uid"])
        if user is None or user.username != claims.get("name") or user.session_version != claims.get("v"):
            return None
        return user.username, user.role


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


def tokens(engine: Engine, username: str) -> list[dict]:
    """An account's API tokens (ids and dates; the tokens themselves are not kept)."""
    with Session(engine) as session:
        user = _user(session, username)
        rows = session.scalars(select(t.ApiToken).where(t.ApiToken.user_id == user.id).order_by(t.ApiToken.id))
        return [{"id": r.id, "created_at": r.created_at.isoformat()} for r in rows]


def revoke_token(engine: Engine, token_id: int, actor: str, owner: str | None = None) -> None:
    """Delete one API token; with `owner`, only if it is that account's (a user revoking their own)."""
    with Session(engine) as session, session.begin():
        row = session.get(t.ApiToken, token_id)
        user = session.get(t.User, row.user_id) if row else None
        if row is None or owner is not None and user.username != owner:
            raise AccountError(f"no token {token_id}" + (f" of {owner}" if owner else ""))
        audit.record(session, actor, "token.revoke", f"user:{user.username}", before={"token": token_id})
        session.delete(row)


def user_for_token(engine: Engine, token: str) -> tuple[str, str] | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    with Session(engine) as session:
        row = session.execute(select(t.User.username, t.User.role).join(t.ApiToken, t.ApiToken.user_id == t.User.id)
                              .where(t.ApiToken.token_sha256 == digest)).first()
        return tuple(row) if row else None


def allows(role: str | None, needed: str) -> bool:
    return RANK.get(role or "", 0) >= RANK[needed]


_DUMMY = _hasher.hash("not a password of anyone")


def protected_names(engine: Engine) -> tuple[str, ...]:
    """Names and aliases of every person who is protected now (decision, else suggestion). Every public
    request reads it, so it is one query over the protected rows: loading each person with its aliases
    as objects cost a request 1-2 ms on five sources, growing with the register."""
    protected = or_(t.Entity.protected_decision.is_(True),
                    and_(t.Entity.protected_decision.is_(None), t.Entity.protected_suggested.is_(True)))
    query = (select(t.Entity.name, t.Alias.name).outerjoin(t.Alias, t.Alias.entity_id == t.Entity.id)
             .where(t.Entity.type == "person", protected))
    with engine.connect() as conn:
        return tuple(sorted({n for row in conn.execute(query) for n in row if n}))


def set_protected(engine: Engine, entity_id: int, protected: bool | None, actor: str) -> None:
    """An editor's decision on a person: protected (True), may be named (False), or back to the suggestion (None)."""
    with Session(engine) as session, session.begin():
        entity = session.get(t.Entity, entity_id)
        if entity is None or entity.type != "person":
            raise AccountError(f"no person with id {entity_id}")
        audit.record(session, actor, "entity.protect", f"entity:{entity_id}",
                     before={"decision": entity.protected_decision}, after={"decision": protected})
        entity.protected_decision = protected
