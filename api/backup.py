"""Consistent online backups and restores: SQLite's backup API, PostgreSQL's pg_dump; and
their commands, `flask --app api backup PATH` and `restore PATH`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

from api.db import db


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


def _create_private(target: Path) -> int:
    """Create `target` readable and writable by its owner only (0600, whatever the umask):
    a backup is every patient's health data. O_EXCL refuses an existing file, even one
    that appears between the check and the write."""
    try:
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{target} exists; refusing to overwrite a backup") from None


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the live database to `target`, while it keeps serving.

    SQLite: the online backup API copies a single snapshot page by page; writers are not
    blocked for long and the copy is a valid database. PostgreSQL: pg_dump's custom format
    (one transaction snapshot), restorable with `restore` or pg_restore. Either way the
    file is created 0600 before anything is written to it, and removed if the copy fails.
    """
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"no backup method for {backend}")
    source_path = _sqlite_path(url) if backend == "sqlite" else None
    fd = _create_private(target)
    try:
        if source_path is not None:
            os.close(fd)  # SQLite opens the (empty, already private) file itself
            source = sqlite3.connect(source_path)
            destination = sqlite3.connect(target)
            try:
                with destination:
                    source.backup(destination)
            finally:
                destination.close()
                source.close()
        else:
            with os.fdopen(fd, "wb") as out:
                subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",
                                _libpq_url(url)], stdout=out, check=True)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


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


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent backup of the live database to PATH (safe while serving)."""
    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's content with the backup at PATH."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    db.engine.dispose()
    click.echo(f"restored from {path}")
