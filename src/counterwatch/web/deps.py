"""Shared request helpers: the engine and the bounds of path and query parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request
from sqlalchemy import Engine

from counterwatch.limits import LIMITS

RecordId = Annotated[int, Path(ge=1, le=LIMITS.record_id_max)]  # past it: 404, not the database's overflow
PageSize = Annotated[int, Query(ge=1, le=LIMITS.page_size_max)]
Offset = Annotated[int, Query(ge=0, le=LIMITS.record_id_max, description="how many to skip (what a page listed)")]


def bounded_int(default: int, most: int):
    """A query parameter between 1 and `most` (else a 400 naming it)."""
    return Query(default, ge=1, le=most)


def engine(request: Request) -> Engine:
    return request.app.state.engine
