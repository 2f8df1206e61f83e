"""Versioned records: the one idempotent upsert that entries and treatment sessions (and
every future twin) are saved through, and the one kind of object they come back as.

A record belongs to one patient and is found by its key within that patient: an entry by
its date, a session by the UUID the phone made for it. So any patient may use any key,
and nothing reveals what keys another patient has. Saving the same content again
changes nothing (an offline phone may replay a write many times); other content
replaces the stored one and bumps `version`; an If-Match that names another version is
refused with the stored version, never applied.

The statements are SQLAlchemy Core on the declared transaction's connection: the row is
read with FOR UPDATE (SQLite's write lock covers it there), so what was written is known
without reading it back, and the ORM's unit of work would cost more than the SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import (
    Delete,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

from api.db import db
from api.domain import StaleVersion
from api.models import utcnow
from api.versioning import IfMatch, precondition_holds

# A stored record: its columns by name.
Record = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """What is versioned and how: entries and treatment sessions are two Kinds.

    Its statements are built once, with the key as bound parameters, so each save only
    executes them (SQLAlchemy caches their compiled form)."""

    table: Table
    key: tuple[str, ...]  # the columns that find one record; "user_id" first
    content: tuple[str, ...]  # what a save replaces and what "the same content" compares
    # The record as a client sees it, for a refused write's answer.
    present: Callable[[Record], dict[str, Any]]
    # Called with the stored record before it is replaced ("replaced") or deleted
    # ("deleted"): entries keep the earlier content in their history.
    before_change: Callable[[Connection, Record, str], None] | None = None
    # The version a new record starts at (entries keep counting after a delete, so an
    # old ETag never matches a new entry).
    first_version: Callable[[Connection, Mapping[str, Any]], int] = \
        field(default=lambda _connection, _key: 1)
    # Called with the patient's user_id in the same transaction whenever a record is
    # created, replaced or deleted (never on a replay): the kept analysis goes stale.
    on_change: Callable[[int, Connection], None] | None = None

    @cached_property
    def _at_key(self) -> ColumnElement[bool]:
        return and_(*(self.table.c[name] == bindparam(f"key_{name}") for name in self.key))

    @cached_property
    def select(self) -> Select[Any]:
        return select(self.table).where(self._at_key)

    @cached_property
    def select_locked(self) -> Select[Any]:
        return self.select.with_for_update()

    @cached_property
    def insert(self) -> Insert:
        return insert(self.table)  # the columns come with each execution's values

    @cached_property
    def update(self) -> Update:
        return update(self.table).where(self._at_key)  # SET: the columns given

    @cached_property
    def delete(self) -> Delete:
        return delete(self.table).where(self._at_key)

    def key_of(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return {f"key_{name}": record[name] for name in self.key}


def find(kind: Kind, key: Mapping[str, Any], *, connection: Connection | None = None,
         lock: bool = False) -> Record | None:
    connection = connection or db.session.connection()
    row = connection.execute(kind.select_locked if lock else kind.select,
                             kind.key_of(key)).mappings().first()
    return dict(row) if row is not None else None


def save(kind: Kind, key: Mapping[str, Any], content: Mapping[str, Any], *,
         if_match: IfMatch | None, derived: Mapping[str, Any] | None = None
         ) -> tuple[Record, bool]:
    """Create or replace the record at `key`; returns (record, created).

    `derived` columns (a session's local date) are written with the content but are not
    what makes two saves the same. Two first writes racing for one key: the loser's
    INSERT hits the unique key inside a savepoint and is retried as a replace.
    """
    connection = db.session.connection()
    for _attempt in range(3):
        stored = find(kind, key, connection=connection, lock=True)
        if not precondition_holds(if_match, stored["version"] if stored else None):
            raise StaleVersion(kind.present(stored) if stored else None,
                               stored["version"] if stored else None)
        if stored is None:
            created = _create(kind, connection, key, {**content, **(derived or {})})
            if created is not None:
                return created, True
            continue
        if {name: stored[name] for name in kind.content} == dict(content):
            return stored, False
        return _replace(kind, connection, stored, {**content, **(derived or {})}), False
    raise RuntimeError("record upsert did not settle")  # pragma: no cover


def _create(kind: Kind, connection: Connection, key: Mapping[str, Any],
            values: Mapping[str, Any]) -> Record | None:
    """The new record; None when a concurrent request created the same key first."""
    now = utcnow()
    record = {**values, **key, "version": kind.first_version(connection, key),
              "created_at": now, "updated_at": now}
    try:
        with connection.begin_nested():  # a SAVEPOINT: the failure ends only the INSERT
            connection.execute(kind.insert, record)
    except IntegrityError:
        if find(kind, key, connection=connection) is None:
            raise  # not a concurrent create of the same key: a real fault
        return None
    _changed(kind, connection, record)
    return record  # as stored, but for a surrogate id that no one reads


def _replace(kind: Kind, connection: Connection, stored: Record,
             values: Mapping[str, Any]) -> Record:
    if kind.before_change:
        kind.before_change(connection, stored, "replaced")
    changes = {**values, "version": stored["version"] + 1, "updated_at": utcnow()}
    connection.execute(kind.update, {**changes, **kind.key_of(stored)})
    _changed(kind, connection, stored)
    return {**stored, **changes}


def remove(kind: Kind, key: Mapping[str, Any], *, if_match: IfMatch | None) -> bool:
    """Delete the record at `key`; False when nothing was there."""
    connection = db.session.connection()
    stored = find(kind, key, connection=connection, lock=True)
    if stored is None:
        return False
    if not precondition_holds(if_match, stored["version"]):
        raise StaleVersion(kind.present(stored), stored["version"])
    if kind.before_change:
        kind.before_change(connection, stored, "deleted")
    connection.execute(kind.delete, kind.key_of(stored))
    _changed(kind, connection, stored)
    return True


def _changed(kind: Kind, connection: Connection, record: Mapping[str, Any]) -> None:
    if kind.on_change is not None:
        kind.on_change(record["user_id"], connection)
