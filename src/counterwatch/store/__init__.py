"""The register: sources, entities, deployments, relations and the claims behind them."""

from counterwatch.store.db import connect, database_url
from counterwatch.store.writer import IngestResult, store_extraction

__all__ = ["IngestResult", "connect", "database_url", "store_extraction"]
