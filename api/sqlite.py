"""SQLite tuned for a web server: WAL, and one writer at a time without busy-polling.

SQLite allows one writer. Left to itself, a writer that finds the database locked sleeps
in its busy handler (1, 2, 5 … 100 ms) and polls again, so under concurrent writes most
time is spent asleep: throughput collapses and p99 latency reaches hundreds of
milliseconds. Instead every write transaction first takes an exclusive flock() on a file
beside the database. The kernel wakes the next writer the moment the lock is released,
across threads and gunicorn workers alike (each connection has its own open file, and
flock locks belong to open files). Reads take no lock and run concurrently under WAL.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Which threads hold the write lock: a thread asking again through a second connection
# would wait for itself forever, so that is refused loudly instead.
_holders = threading.local()


def _reading() -> bool:
    """Whether the transaction about to begin only reads (see read_transaction/begin_write)."""
    if not has_request_context():
        return False
    if g.get("db_reading"):
        return True
    return request.method in READ_METHODS and not g.get("db_writing")


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


def configure_sqlite(engine: Engine) -> None:
    database = engine.url.database
    lock_path = f"{database}.writelock" if database and database != ":memory:" else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")  # for writers outside this app
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes in WAL mode
        cursor.close()
        if lock_path:
            record.info["write_lock"] = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)
        if "write_lock" in record.info:
            os.close(record.info.pop("write_lock"))

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Straight to the driver: every request begins at least one transaction, and
        # SQLAlchemy's statement machinery would cost more than the BEGIN itself.
        sqlite = connection.connection.driver_connection
        assert sqlite is not None, "begin on a closed connection"
        if _reading():
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
