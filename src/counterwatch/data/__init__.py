"""Data files (lexicons, patterns, gazetteers) and their cached loader."""

from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """Parse `name` (a YAML file in this package) once per process."""
    return yaml.safe_load(files(__name__).joinpath(name).read_text(encoding="utf-8"))
