"""All database plumbing: the engine, SQLite's tuning and write lock, and transactions.

Every view and CLI command says what it does to the database, and that declaration is
what begins the transaction:

    with db.read(): ...     # one snapshot; no lock (read-only on PostgreSQL)
    with db.write(): ...    # may write; on SQLite takes the write lock; commits once
    @reads / @writes        # the same around a whole view

A read whose result may be kept (GET /trends and the clinic panel store a recomputed
analysis) declares it, `with db.read(then_keep=True):`, and hands the store to
`db.keep(callback)`: it runs once the read has ended, in a short write of its own (each
callback in a savepoint; one refused by an IntegrityError, as its rows were deleted
meanwhile, is left out alone); inside a write it runs at once. The read itself only reads.

Counters that must count even when the request fails (rate limits, failed logins) use
`db.separately()`: a short write transaction of its own, on its own connection;
`db.peek()` is the matching short read (who is asking, a counter's value).
`insert_if_absent()` is INSERT … ON CONFLICT DO NOTHING on either database; `in_chunks()`
reads a query's rows a chunk at a time (downloads); `db.after_commit(callback)` runs something
once the current transaction has committed.
"""

from api.db import ratelimit  # noqa: F401 - registers the database:// rate-limit store
from api.db.core import (
    CHUNK,
    Base,
    Database,
    db,
    dialect_insert,
    in_chunks,
    insert_if_absent,
    reads,
    writes,
)

__all__ = ["CHUNK", "Base", "Database", "db", "dialect_insert", "in_chunks",
           "insert_if_absent", "reads", "writes"]
