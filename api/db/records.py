"""Versioned records: the one idempotent upsert that entries and treatment sessions (and
every future twin) are saved through, and the one kind of object they come back as.

A record belongs to one patient and is found by its key within that patient: an entry by
its date, a session by the UUID the phone made for it. So any patient may use any key,
and nothing reveals what keys another patient has. Saving the same content again
changes nothing (an offline phone may replay a write many times); other content
replaces the stored one and bumps `version`; an If-Match that names another version is
refused with the stored version, never applied. A Kind with a `History` keeps every
content a replace or a delete takes away (nothing the patient typed is silently lost).

A Kind is also the one declaration of how every audience reads that record kind (its
name, what "within a date range" means for it, its order, how a scope shows a row, its CSV
columns and row, its FHIR resources, its list in the account export, what the analysis
reads of it). Each domain declares its Kind once and registers it with `declare`; every
output (api/sharing/outputs.py: CSV, FHIR, the report, /me/export, for the patient, a
share link and a clinic alike) iterates `declared()`, so a kind declared later appears in
each of them without touching their routes (docs/adding-a-record-kind.md).

The statements are SQLAlchemy Core on the declared transaction's connection: the row is
read with FOR UPDATE (SQLite's write lock covers it there), so what was written is known
without reading it back, and the ORM's unit of work would cost more than the SQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from blinker import Signal
from sqlalchemy import (
    Delete,
    Insert,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

from api.db import CHUNK, db
from api.domain import NotFound, StaleVersion
from api.models import utcnow
from api.versioning import IfMatch, precondition_holds

# A stored record: its columns by name.
Record = dict[str, Any]


@dataclass(frozen=True)
class History:
    """Where a Kind keeps the earlier contents of its records: a table with the Kind's key
    (under its own column names), `version`, `content` (JSON), `change` ("replaced" or
    "deleted": what happened to that content), `saved_at` (when it was written) and
    `replaced_at`. Its rows belong to the patient (deleting the account removes them),
    not to the record: a deleted record's content stays."""

    table: Table
    key: tuple[str, ...]  # its columns holding the Kind's key, in the Kind's order


def as_stored(row: Any, start: date, end: date) -> Any:
    """A row as a scope shows it, when the scope's dates do not change it."""
    return row


def _itself(row: Any) -> Any:
    return row


@dataclass(frozen=True, kw_only=True)
class Kind:
    """A record kind: how it is saved (versioned) and how every audience reads it.

    Making one declares it (`declare`): every output reads it from then on. Its statements
    are built once, with the key as bound parameters, so each save only executes them
    (SQLAlchemy caches their compiled form)."""

    def __post_init__(self) -> None:
        declare(self)

    # --- How every audience reads it, through a scope (api/sharing/outputs.py) ---------
    # Its name: the CSV download (<name>.csv, for every audience) and the access log's.
    name: str
    # The patient's rows dated start..end, as an ORM select (keyword-only user, start,
    # end): what "within a date range" means for this kind. Every output reads it.
    within: Callable[..., Select[Any]]
    # Columns that order the rows and are unique per patient (read in chunks by them).
    order: tuple[Any, ...]
    # The local date a row is on: a report without dates spans its rows' dates. None: its
    # rows set no span (a medication may have been taken for years).
    dated: Callable[[Any], date] | None = None
    # A row as a scope with dates start..end shows it (a medication as it stood at end).
    shown: Callable[[Any, date, date], Any] = as_stored
    # Its CSV: the columns, and a shown row as a CSV row (attributes or a dict).
    columns: tuple[str, ...]
    csv_row: Callable[[Any], Any] = _itself
    # The columns the patient types freely (notes, tags): left empty in the CSV of a scope
    # that excludes notes. Its `fhir` leaves them out by `include_notes` itself.
    private: tuple[str, ...]
    # Its FHIR resources: (shown row, *, key, subject, include_notes) -> resources.
    fhir: Callable[..., Iterable[dict[str, Any]]]
    # Its list in the account export (/me/export), each row as `present` shows it; and
    # the list of its earlier contents there, when it has a history (every_kept's rows).
    exported_as: str
    history_exported_as: str = ""
    # What the analysis reads of it: its section of the report (/shared/trends, a
    # clinic's), where a row within the scope shows (tests/test_record_kinds.py). None: the
    # report does not show it (its CSV, FHIR and export list still reach every audience).
    analysis: str | None = None
    # --- How it is saved: the versioned upsert --------------------------------------------
    table: Table
    key: tuple[str, ...]  # the columns that find one record; "user_id" first
    content: tuple[str, ...]  # what a save replaces and what "the same content" compares
    # The record as a client sees it, for a refused write's answer.
    present: Callable[[Record], dict[str, Any]]
    # Keep each replaced or deleted content there. Versions then keep counting after a
    # delete, so an old ETag never matches a new record at the same key.
    history: History | None = None
    # Sent whenever a record is created, replaced or deleted (never on a replay), in the
    # writer's transaction: `send(kind, user_id=..., connection=...)`. Whoever keeps
    # something computed from this kind connects to it (api/summaries: the kept analysis).
    on_change: Signal = field(default_factory=Signal, compare=False, repr=False)

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

    @cached_property
    def _in_history(self) -> ColumnElement[bool]:
        assert self.history is not None
        columns = self.history.table.c
        return and_(*(columns[theirs] == bindparam(f"key_{ours}")
                      for ours, theirs in zip(self.key, self.history.key, strict=True)))

    @cached_property
    def keep(self) -> Insert:
        assert self.history is not None
        return insert(self.history.table)

    @cached_property
    def latest_kept(self) -> Select[Any]:
        assert self.history is not None
        return select(func.max(self.history.table.c.version)).where(self._in_history)

    @cached_property
    def kept(self) -> Select[Any]:
        assert self.history is not None
        columns = self.history.table.c
        return select(self.history.table).where(self._in_history).order_by(
            columns.version.desc(), columns.replaced_at.desc())


# The declared kinds, by name: what every output reads.
_DECLARED: dict[str, Kind] = {}


def declare(kind: Kind) -> None:
    """Register `kind` with every output (done by making it)."""
    known = _DECLARED.get(kind.name)
    if known is not None and known.table is not kind.table:
        raise ValueError(f"two record kinds are named {kind.name!r}")
    _DECLARED[kind.name] = kind


def declared() -> list[Kind]:
    """Every declared kind, by name (each domain declares its own when imported: by the
    time the app is created, all of them)."""
    return sorted(_DECLARED.values(), key=lambda kind: kind.name)


def declared_named(name: str) -> Kind | None:
    return _DECLARED.get(name)


def find(kind: Kind, key: Mapping[str, Any], *, connection: Connection | None = None,
         lock: bool = False) -> Record | None:
    connection = connection or db.session.connection()
    row = connection.execute(kind.select_locked if lock else kind.select,
                             kind.key_of(key)).mappings().first()
    return dict(row) if row is not None else None


def get(kind: Kind, key: Mapping[str, Any], *, missing: str) -> Record:
    """The record at `key`, or NotFound(`missing`): another patient's key is not found
    either, since the key holds the patient."""
    found = find(kind, key)
    if found is None:
        raise NotFound(missing)
    return found


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
    record = {**values, **key, "version": _first_version(kind, connection, key),
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
    _keep(kind, connection, stored, "replaced")
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
    _keep(kind, connection, stored, "deleted")
    connection.execute(kind.delete, kind.key_of(stored))
    _changed(kind, connection, stored)
    return True


def _first_version(kind: Kind, connection: Connection, key: Mapping[str, Any]) -> int:
    if kind.history is None:
        return 1
    return (connection.execute(kind.latest_kept, kind.key_of(key)).scalar() or 0) + 1


def _keep(kind: Kind, connection: Connection, stored: Record, change: str) -> None:
    """Keep the content a replace or delete takes away (when the Kind has a history)."""
    if kind.history is None:
        return
    connection.execute(kind.keep, {
        **{theirs: stored[ours] for ours, theirs in zip(kind.key, kind.history.key,
                                                        strict=True)},
        "version": stored["version"], "change": change, "saved_at": stored["updated_at"],
        "replaced_at": utcnow(),
        "content": {name: _to_json(stored[name]) for name in kind.content},
    })


def history(kind: Kind, key: Mapping[str, Any]) -> list[Record]:
    """The earlier contents at `key`, newest first, each as the record it was then (so the
    Kind's own schema shows it) with `change` and `replaced_at`."""
    assert kind.history is not None
    rows = db.session.connection().execute(kind.kept, kind.key_of(key)).mappings()
    return [{**{name: _from_json(kind.table.c[name].type, row["content"].get(name))
                for name in kind.content},
             **{name: key[name] for name in kind.key},
             "version": row["version"], "change": row["change"],
             "updated_at": row["saved_at"], "replaced_at": row["replaced_at"]}
            for row in rows]


def every_kept(kind: Kind, user_id: int) -> Iterator[dict[str, Any]]:
    """All of a patient's earlier contents of this Kind, as the account export shows them:
    by key, then version; the content as stored. Read a chunk of rows at a time."""
    assert kind.history is not None
    table = kind.history.table
    named = [name for name in kind.history.key if name != "user_id"]
    rows = db.session.connection().execute(
        select(table).where(table.c.user_id == user_id)
        .order_by(*(table.c[name] for name in named), table.c.version),
        execution_options={"yield_per": CHUNK}).mappings()
    for row in rows:
        yield {**{name: _to_json(row[name]) for name in named},
               "version": row["version"], "change": row["change"],
               "saved_at": row["saved_at"].isoformat(),
               "replaced_at": row["replaced_at"].isoformat(), "content": row["content"]}


def _to_json(value: Any) -> Any:
    """A column's value as JSON keeps it: times and dates as ISO 8601, UUIDs as text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _from_json(column_type: Any, value: Any) -> Any:
    """What `_to_json` kept, as the column's own type again."""
    if value is None:
        return None
    # A TypeDecorator (UTCDateTime) answers for the type it stores as.
    python_type = getattr(column_type, "impl_instance", column_type).python_type
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return value


def _changed(kind: Kind, connection: Connection, record: Mapping[str, Any]) -> None:
    kind.on_change.send(kind, user_id=record["user_id"], connection=connection)
