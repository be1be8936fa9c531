"""Readers that turn files, folders and URLs into sources: text, metadata and content hash."""

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import iter_sources, read
from counterwatch.ingest.source import Source

__all__ = ["InputError", "Source", "iter_sources", "read"]
