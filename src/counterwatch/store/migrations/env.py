"""Alembic environment: runs against the engine `counterwatch.store.db.connect` hands over."""

from alembic import context

from counterwatch.store.schema import Base


def include_name(name, type_, parent_names) -> bool:
    """The full-text index is raw DDL of revision 0010, not part of the models."""
    return not (name or "").startswith(("claim_fts", "ix_claim_fts"))


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  include_name=include_name)
with context.begin_transaction():
    context.run_migrations()
