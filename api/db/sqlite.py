"""SQLite tuned for a web server: WAL, chosen durability, and one writer at a time without
busy-polling.

SQLite allows one writer. Left to itself, a writer that finds the database locked sleeps
in its busy handler (1, 2, 5 … 100 ms) and polls again, so under concurrent writes most
time is spent asleep: throughput collapses and p99 latency reaches hundreds of
milliseconds. Instead every write transaction first takes an exclusive flock() on a file
beside the database. The kernel wakes the next writer the moment the lock is released,
across threads and gunicorn workers alike (each connection has its own open file, and
flock locks belong to open files). Reads take no lock and run concurrently under WAL.

Which transactions write is never guessed: `db.write()` (api/db/core.py) declares it with
an execution option that the "begin" hook below reads. A transaction begun without a
declaration (Alembic, the rate-limit store's own connections) is treated as a write.
"""

from __future__ import annotations

import fcntl
import os
import stat
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# Which threads hold the write lock: a thread asking again through a second connection
# would wait for itself forever, so that is refused loudly instead.
_holders = threading.local()

# Health data: the database, its -wal and -shm files (SQLite gives them the database
# file's mode) and the lock file are readable by the server's user only.
PRIVATE = 0o600


def holds_write_lock() -> bool:
    """Whether this thread is inside a write transaction on SQLite."""
    return bool(getattr(_holders, "count", 0))


def _acquire(info: dict[str, Any]) -> None:
    if holds_write_lock():
        raise RuntimeError("this thread already holds the SQLite write lock on another "
                           "connection; end that transaction first")
    fcntl.flock(info["write_lock"], fcntl.LOCK_EX)
    info["write_locked"] = True
    _holders.count = 1


def _release(info: dict[str, Any]) -> None:
    if info.pop("write_locked", False):
        fcntl.flock(info["write_lock"], fcntl.LOCK_UN)
        _holders.count = 0


def make_private(database: str) -> None:
    """Create the database file 0600 before SQLite does (it would use the umask, 0644 by
    default), and narrow the mode of files an older version left readable to others.

    An existing database is never opened here: closing any descriptor of it would drop
    every POSIX lock this process's SQLite connections hold on it (SQLite's "how to
    corrupt a database" §2.2). chmod needs no descriptor.
    """
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        pass
    for name in (database, f"{database}-wal", f"{database}-shm", f"{database}.writelock"):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(name, PRIVATE)


SYNCHRONOUS = ("FULL", "NORMAL")


def configure(engine: Engine, *, synchronous: str = "NORMAL") -> None:
    from api.db.core import WRITES

    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {SYNCHRONOUS}, not {synchronous!r}")

    database = engine.url.database or ""
    on_disk = database not in ("", ":memory:") and not database.startswith("file:")
    lock_path = f"{database}.writelock" if on_disk else None
    if on_disk:
        make_private(database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN is emitted below, as declared
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")  # for writers outside this app
        # NORMAL (the default) in WAL mode: a commit survives a crash of the process; a
        # power cut or OS crash may lose the last commits, never the database's
        # consistency. FULL fsyncs the WAL on every commit, so an acknowledged write also
        # survives a power cut, for ~20 % less write throughput (docs/benchmarks.md).
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # Deleted rows are overwritten with zeros, whatever the SQLite build's default.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        if lock_path:
            record.info["write_lock"] = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)
        if "write_lock" in record.info:
            os.close(record.info.pop("write_lock"))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        sqlite = connection.connection.driver_connection
        assert sqlite is not None, "begin on a closed connection"
        if not connection.get_execution_options().get(WRITES, True):
            sqlite.execute("BEGIN")
            return
        info = connection.connection.info
        if "write_lock" in info and not info.get("write_locked"):
            _acquire(info)
        try:
            sqlite.execute("BEGIN IMMEDIATE")
        except Exception:
            _release(info)
            raise

    # SQLAlchemy announces a commit or rollback before it happens; do it here, then let
    # the next writer in. The DBAPI's own commit that follows finds nothing left to do.
    def _finish(connection: Connection, end: str) -> None:
        info = connection.connection.info
        if info.get("write_locked"):
            getattr(connection.connection.dbapi_connection, end)()
            _release(info)

    event.listen(engine, "commit", lambda connection: _finish(connection, "commit"))
    event.listen(engine, "rollback", lambda connection: _finish(connection, "rollback"))

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)  # never return a connection to the pool holding the lock


def checkpoint(engine: Engine) -> None:
    """Copy the write-ahead log into the database and truncate it (outside a transaction,
    which a checkpoint cannot run in, but holding the write lock like any writer)."""
    with engine.connect() as connection:
        info = connection.connection.info
        driver = connection.connection.driver_connection
        assert driver is not None
        if "write_lock" in info:
            _acquire(info)
        try:
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            _release(info)
