"""Consistent online backups and restores: SQLite's backup API, PostgreSQL's pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    pass


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the live database to `target`, while it keeps serving.

    SQLite: the online backup API copies a single snapshot page by page; writers are not
    blocked for long and the copy is a valid database. PostgreSQL: pg_dump's custom format
    (one transaction snapshot), restorable with `restore` or pg_restore.
    """
    url = make_url(database_url)
    if target.exists():
        raise BackupError(f"{target} exists; refusing to overwrite a backup")
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                        f"--file={target}", _libpq_url(url)], check=True)
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(database_url: str, source: Path) -> None:
    """Replace the database's content with a backup made by `backup`."""
    url = make_url(database_url)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} fails PRAGMA integrity_check")
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif url.get_backend_name() == "postgresql":
        subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                        "--single-transaction", f"--dbname={_libpq_url(url)}", str(source)],
                       check=True)
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")
