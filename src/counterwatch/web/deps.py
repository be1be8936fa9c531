"""Shared request helpers: the engine and the extractor (loaded once, on first use)."""

from __future__ import annotations

from functools import cache

from fastapi import Request
from sqlalchemy import Engine

from counterwatch.extract import Extractor


def engine(request: Request) -> Engine:
    return request.app.state.engine


@cache
def extractor() -> Extractor:
    return Extractor()
