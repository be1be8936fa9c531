"""Readers that turn files, folders and URLs into sources: text, metadata and content hash."""

from counterwatch.ingest.errors import InputError
from counterwatch.ingest.readers import bounded, iter_sources, read, read_data, read_url
from counterwatch.ingest.source import Source

__all__ = ["InputError", "Source", "bounded", "iter_sources", "read", "read_data", "read_url"]
