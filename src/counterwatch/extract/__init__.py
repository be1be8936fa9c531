"""Extraction: entities, deployments and relations with certainty and exact evidence."""

from counterwatch.extract.pipeline import Extractor
from counterwatch.extract.serialize import to_json

__all__ = ["Extractor", "to_json"]
