"""The bounds of src/counterwatch/data/limits.yml as attributes, at the bottom of the package order
so readers, extraction, the store, queries and the web all apply the same numbers."""

from __future__ import annotations

from types import SimpleNamespace

from counterwatch.data import load

LIMITS = SimpleNamespace(**load("limits.yml"))
