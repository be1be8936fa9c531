"""Tables of the register. A record (entity, deployment, relation) is a view over its claims:
every field value stored here comes with the source, quote, offsets and certainty of a claim."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Source(Base):
    """A document as read: the stored text is our archive against link rot."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(String(2000), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str | None] = mapped_column(String(1000))
    published: Mapped[str | None] = mapped_column(String(40))
    publisher: Mapped[str | None] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    retrieved_at: Mapped[datetime] = mapped_column(default=_now)


class Entity(Base):
    __tablename__ = "entity"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(300), index=True)  # normalised name, for resolution
    country: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[str | None] = mapped_column(String(40))
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("entity.id"), index=True)  # non-destructive merge
    # protected person: suggested by extraction; an editor's decision (True/False) overrides the suggestion
    protected_suggested: Mapped[bool] = mapped_column(default=False, server_default=false())
    protected_decision: Mapped[bool | None] = mapped_column()
    aliases: Mapped[list[Alias]] = relationship(back_populates="entity", cascade="all, delete-orphan")


    @property
    def protected(self) -> bool:
        return self.protected_decision if self.protected_decision is not None else self.protected_suggested


class Alias(Base):
    __tablename__ = "alias"
    __table_args__ = (UniqueConstraint("entity_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), index=True)
    entity: Mapped[Entity] = relationship(back_populates="aliases")


class Deployment(Base):
    __tablename__ = "deployment"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    # judged the same program as another deployment: its claims stay its own, readers follow this (store/survivors.py)
    merged_into: Mapped[int | None] = mapped_column(Integer, index=True)


class Relation(Base):
    __tablename__ = "relation"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    predicate: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)


class Claim(Base):
    """One thing one source says: about an entity, a deployment field or a relation."""

    __tablename__ = "claim"
    __table_args__ = (Index("ix_claim_record_field", "record_type", "record_id", "field", "value"),
                      Index("ix_claim_field_value", "field", "value"))
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"), index=True)
    record_type: Mapped[str] = mapped_column(String(20))  # entity | deployment | relation
    record_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40))  # e.g. technology, operator, status, mention
    value: Mapped[str] = mapped_column(String(500))
    # an entity-valued field (operator, supplier, place): the entity the source named, as stored then;
    # merges are resolved when reading, so a merge never rewrites this and a split restores it
    entity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    certainty: Mapped[str] = mapped_column(String(20))
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    cue: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    confidence: Mapped[float | None] = mapped_column(Float)  # the trained model's probability, if it proposed this
    facets: Mapped[str | None] = mapped_column(Text)  # the record's search facets as index tokens (store/facets.py)


class Revision(Base):
    """One review action on a claim: who, when, what it was before and after, and why."""

    __tablename__ = "revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    editor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # accept | reject | edit
    before_status: Mapped[str] = mapped_column(String(20))
    after_status: Mapped[str] = mapped_column(String(20))
    before_value: Mapped[str] = mapped_column(String(500))
    after_value: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=_now)


class Judgement(Base):
    """A decision that two entities are (positive), are not (negative) or may be (unsure) the same."""

    __tablename__ = "judgement"
    __table_args__ = (UniqueConstraint("left_id", "right_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    left_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("entity.id"), index=True)
    judgement: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column()
    editor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=_now)


class DeploymentJudgement(Base):
    """A decision that two deployments are (positive), are not (negative) or may be (unsure) one program."""

    __tablename__ = "deployment_judgement"
    __table_args__ = (UniqueConstraint("left_id", "right_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    left_id: Mapped[int] = mapped_column(ForeignKey("deployment.id", ondelete="CASCADE"), index=True)
    right_id: Mapped[int] = mapped_column(ForeignKey("deployment.id", ondelete="CASCADE"), index=True)
    judgement: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    editor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=_now)


class User(Base):
    """An account: admin (manages users), editor (reviews, adds sources), viewer (reads proposals too, protected persons redacted)."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    # raised by logout, removal, role and password changes: a session cookie carrying an older one is void
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=_now)


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=_now)


class AuditEntry(Base):
    """Append-only log of every change: who, what, before/after, when. Rows are never updated."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)


class IngestJob(Base):
    """A source to add, waiting for or done by the server's extraction worker (store/jobs.py, taken by pipeline/worker.py)."""

    __tablename__ = "ingest_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued | running | done | failed
    step: Mapped[str] = mapped_column(String(40))  # what the worker is doing: waiting, reading, extracting, storing
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # url | text | file
    name: Mapped[str] = mapped_column(String(2000))  # the URL, the file's name or the pasted text's title
    title: Mapped[str | None] = mapped_column(String(1000))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)  # text or file bytes, dropped once done
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(20))  # stored | new_version | unchanged
    claims: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=_now)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)
