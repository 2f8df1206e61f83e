"""The Database object and its transaction API (see api/db/__init__.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Select, Table, event, literal, tuple_
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session

from api.db import sqlite

F = TypeVar("F", bound=Callable[..., Any])

# Rows per SELECT when a download reads a kind a chunk at a time (in_chunks).
CHUNK = 500

# session.info key: what runs once the current transaction commits (db.after_commit).
AFTER_COMMIT = "relieflog_after_commit"

# session.info key: what a read declared `then_keep` stores once it has ended (db.keep).
KEEP = "relieflog_keep"

# The execution option that carries a transaction's declared kind to the engine's "begin"
# hook (api/db/sqlite.py), which takes SQLite's write lock for writers only.
WRITES = "relieflog_writes"


class Base(DeclarativeBase):
    # Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Database(SQLAlchemy):
    """Flask-SQLAlchemy with declared transactions."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        with app.app_context():
            if self.engine.dialect.name == "sqlite":
                sqlite.configure(self.engine, synchronous=app.config["SQLITE_SYNCHRONOUS"])

    @contextmanager
    def read(self, *, snapshot: bool = False, then_keep: bool = False) -> Iterator[Session]:
        """A transaction that only reads. Inside a write it simply joins the write.

        `snapshot`: every statement sees the same committed state, on PostgreSQL too
        (REPEATABLE READ; SQLite's read transactions are snapshots anyway), for a read
        made of many statements, such as a download read a chunk at a time.

        `then_keep`: what the read derives may be kept (`db.keep`): once the read has
        ended, in a short write of its own. The read itself still only reads."""
        with self._transaction(writes=False, snapshot=snapshot, then_keep=then_keep) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that may write: it commits once at the end of the block, or rolls
        back if the block raises. On SQLite it holds the database's write lock throughout."""
        with self._transaction(writes=True) as session:
            yield session

    @contextmanager
    def _transaction(self, *, writes: bool, snapshot: bool = False, then_keep: bool = False
                     ) -> Iterator[Session]:
        session = self.session()  # this app context's Session behind the scoped proxy
        declared = session.info.get(WRITES)
        if declared is not None:
            if writes and not declared:
                raise RuntimeError("a write was declared inside a read transaction: "
                                   "declare the write for the whole block instead")
            if then_keep and not declared and KEEP not in session.info:
                raise RuntimeError("then_keep was declared inside a read that keeps nothing: "
                                   "declare it for the whole read instead")
            yield session  # nested: the outer declaration begins and ends it
            return
        if session.in_transaction():
            # Something used the session without declaring a transaction: end that first.
            raise RuntimeError("the session has an undeclared transaction open; use "
                               "db.read() or db.write() around every database use")
        options: dict[str, Any] = {WRITES: writes}
        if not writes and self.engine.dialect.name == "postgresql":
            options["postgresql_readonly"] = True  # the database enforces the declaration
            if snapshot:
                options["isolation_level"] = "REPEATABLE READ"
        session.info[WRITES] = writes
        if then_keep and not writes:
            session.info[KEEP] = []
        try:
            session.connection(execution_options=options)  # BEGIN (and the lock) happen here
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(WRITES, None)
            keeping = session.info.pop(KEEP, None)
        if keeping:
            self._keep_after_read(keeping)

    @contextmanager
    def separately(self) -> Iterator[Connection]:
        """A short write transaction on a connection of its own, committed at the end of
        the block whatever happens to the request around it (counters that must count).

        On SQLite it needs the write lock, so it may not run while this thread holds it in
        the request's own write transaction: count before or after that, never inside."""
        if sqlite.holds_write_lock():
            raise RuntimeError("db.separately() inside a write transaction would wait for "
                               "itself on SQLite: count before or after the write")
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITES: True})
            with connection.begin():
                yield connection

    @contextmanager
    def peek(self) -> Iterator[Connection]:
        """A short read on a connection of its own, outside the Session: who is asking
        (before the view declares its transaction) and a rate-limit counter's value."""
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITES: False})
            with connection.begin():
                yield connection

    def keep(self, callback: Callable[[Connection], object]) -> None:
        """Keep something derived from what this transaction read: `callback(connection)`
        stores it (the kept analysis). Only for what can always be derived again.

        In a write it runs at once, in the write. In a read declared `then_keep=True` it
        runs once the read has ended (and only if the read ended well), in one short write
        transaction of its own with every other keep of that read, each in a savepoint: one
        that the database refuses (IntegrityError: what it was derived from was deleted
        meanwhile) is left out alone. Anywhere else it is an error: a read that may store
        says so where it begins."""
        session = self.session()
        if session.info.get(WRITES):
            callback(session.connection())
        elif (waiting := session.info.get(KEEP)) is not None:
            waiting.append(callback)
        else:
            raise RuntimeError("db.keep() needs a write, or a read declared "
                               "db.read(then_keep=True)")

    def _keep_after_read(self, callbacks: Sequence[Callable[[Connection], object]]) -> None:
        with self.separately() as connection:
            for callback in callbacks:
                try:
                    with connection.begin_nested():
                        callback(connection)
                except IntegrityError:
                    continue  # derived from rows deleted meanwhile: nothing to keep

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current transaction commits, and never if it rolls
        back (the outbox's mail leaves only with the change it tells of). Once per
        transaction however often it is asked."""
        waiting = self.session().info.setdefault(AFTER_COMMIT, [])
        if callback not in waiting:
            waiting.append(callback)

    def after_erasure(self) -> None:
        """After deleting someone's data: on SQLite, fold the write-ahead log back into the
        database (secure_delete has zeroed the freed pages there), so the deleted rows do
        not linger in the -wal file."""
        if self.engine.dialect.name == "sqlite":
            sqlite.checkpoint(self.engine)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)


# Rows stay readable after commit: views serialize what they just saved.
db = Database(model_class=Base, session_options={"expire_on_commit": False})


def _declared(view: F, *, writes: bool) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with db._transaction(writes=writes):
            return view(*args, **kwargs)

    return cast(F, wrapped)


def reads(view: F) -> F:
    """Run the whole view in one read transaction (see Database.read)."""
    return _declared(view, writes=False)


def writes(view: F) -> F:
    """Run the whole view in one write transaction (see Database.write)."""
    return _declared(view, writes=True)


def in_chunks(statement: Select[Any], order: Sequence[Any], *, size: int = CHUNK
              ) -> Iterator[Any]:
    """The rows of an ORM `statement`, read `size` at a time by keyset pagination: one
    SELECT per chunk, each starting after the last row of the one before, ordered by
    `order` (columns that together are unique per row). Memory holds one chunk, whatever
    the number of rows; run it inside one read (db.read(snapshot=True)) so that the chunks
    agree with each other."""
    last: tuple[Any, ...] | None = None
    keys = [column.key for column in order]
    while True:
        page = statement
        if last is not None:
            page = page.where(tuple_(*order) > tuple_(*(
                literal(value, column.type) for value, column in zip(last, order, strict=True))))
        rows = list(db.session.scalars(page.order_by(*order).limit(size)))
        yield from rows
        if len(rows) < size:
            return
        last = tuple(getattr(rows[-1], key) for key in keys)
        rows.clear()


def dialect_insert(table: Table, connection: Connection) -> Any:
    """The database's own INSERT for `table` (it has ON CONFLICT, on SQLite and PostgreSQL)."""
    make = postgresql.insert if connection.dialect.name == "postgresql" else sqlite_dialect.insert
    return make(table)


def insert_if_absent(table: Table, row: Mapping[str, Any], *,
                     connection: Connection | None = None) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: whether the row went in. RETURNING tells, as
    psycopg's rowcount cannot for ON CONFLICT DO NOTHING. In the session's transaction
    unless given a connection."""
    connection = connection or db.session.connection()
    key = list(table.primary_key.columns)[0]
    statement = dialect_insert(table, connection).values(**row)
    return connection.execute(
        statement.on_conflict_do_nothing().returning(key)).first() is not None
