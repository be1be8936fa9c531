"""Backups: SQLite's online backup API (consistent while others write) and pg_dump for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def _sqlite_path(url: str) -> str:
    return make_url(url).database or ""


def _pg_args(url: str) -> list[str]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-d", u.database or "postgres"]
    options = u.query.get("options", "")
    schema = options.split("search_path=", 1)[1].split()[0] if "search_path=" in options else None
    return args + (["-U", u.username] if u.username else []) + (["-n", schema] if schema else [])


def backup(url: str, dest: Path) -> Path:
    """Write a backup of the database at `url` to `dest`."""
    if make_url(url).get_backend_name() == "sqlite":
        with sqlite3.connect(_sqlite_path(url)) as src, sqlite3.connect(dest) as out:
            src.backup(out)
        return dest
    if not shutil.which("pg_dump"):
        raise RuntimeError("pg_dump not found (apt-get install postgresql-client)")
    subprocess.run(["pg_dump", "-Fc", "-f", str(dest), *_pg_args(url)], check=True, capture_output=True)
    return dest


def restore(backup_file: Path, url: str) -> None:
    """Replace the database at `url` with the backup's content."""
    if make_url(url).get_backend_name() == "sqlite":
        with sqlite3.connect(backup_file) as src, sqlite3.connect(_sqlite_path(url)) as out:
            src.backup(out)
        return
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(url), str(backup_file)],
                   check=True, capture_output=True)
