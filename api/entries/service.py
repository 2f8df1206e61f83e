"""Daily entries: idempotent upsert by (patient, local date), history on every change.

Saving the day's entry is the request patients make most (daily, and again for every
replay from an offline phone), so the single-entry functions run prepared statements
(api/prepared.py) and return plain mappings: building a select() per call, the ORM's unit
of work, Core's execution machinery and even UPDATE … RETURNING each cost more than the
SQL itself (bench/throughput.py). The row is locked while it is saved (the SQLite write
lock, or SELECT … FOR UPDATE on PostgreSQL), so what was written is known without reading
it back. Lists use the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from api.auth.models import Account
from api.calendar import check_loggable
from api.entries.models import CONTENT_FIELDS, Entry, EntryVersion
from api.extensions import db
from api.models import insert_unless_taken, utcnow
from api.prepared import Prepared
from api.versioning import StaleVersion

ENTRIES = Entry.__table__
VERSIONS = EntryVersion.__table__

_ON_DAY_QUERY = select(ENTRIES).where(
    ENTRIES.c.user_id == bindparam("user_id"), ENTRIES.c.date == bindparam("day")
)
_ON_DAY = Prepared(_ON_DAY_QUERY)
_ON_DAY_FOR_UPDATE = Prepared(_ON_DAY_QUERY.with_for_update())
_LATEST_VERSION = Prepared(select(func.max(VERSIONS.c.version).label("latest")).where(
    VERSIONS.c.user_id == bindparam("user_id"), VERSIONS.c.date == bindparam("day")
))
# A stored entry: the columns of `entries` by name.
StoredEntry = Mapping[str, Any]

_CREATE = Prepared(insert(ENTRIES))
# SET takes the columns named in the parameters.
_REPLACE = Prepared(update(ENTRIES).where(ENTRIES.c.id == bindparam("entry_id")))
_KEEP = Prepared(insert(VERSIONS))
_DELETE = Prepared(delete(ENTRIES).where(ENTRIES.c.id == bindparam("entry_id")))


def _connection() -> Connection:
    """The connection of the request's transaction (these statements involve no ORM
    objects, so going through the Session would only add its overhead)."""
    return db.session.connection()


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A PUT body as stored content: every field present, lists de-duplicated in order."""
    content = {field: data.get(field) for field in CONTENT_FIELDS}
    content["side_effects"] = list(dict.fromkeys(data.get("side_effects") or []))
    content["tags"] = list(dict.fromkeys(tag.strip() for tag in data.get("tags") or []))
    content["notes"] = data.get("notes") or ""
    return content


def content_of(entry: StoredEntry) -> dict[str, Any]:
    return {field: entry[field] for field in CONTENT_FIELDS}


def find_entry(*, user: Account, day: date, for_update: bool = False) -> StoredEntry | None:
    query = _ON_DAY_FOR_UPDATE if for_update else _ON_DAY
    return query.first(_connection(), {"user_id": user.id, "day": day})


def _next_version(user: Account, day: date) -> int:
    """Versions keep counting after a delete, so an old ETag never matches a new entry."""
    row = _LATEST_VERSION.first(_connection(), {"user_id": user.id, "day": day})
    return ((row and row["latest"]) or 0) + 1


def _keep(entry: StoredEntry, change: str) -> None:
    _KEEP.run(_connection(), {
        "user_id": entry["user_id"],
        "date": entry["date"],
        "version": entry["version"],
        "content": content_of(entry),
        "change": change,
        "saved_at": entry["updated_at"],
        "replaced_at": utcnow(),
    })


def _create(user: Account, day: date, content: dict[str, Any]) -> StoredEntry | None:
    """The new entry; None when a concurrent request created the day first."""
    now = utcnow()
    entry = {**content, "user_id": user.id, "date": day, "version": _next_version(user, day),
             "created_at": now, "updated_at": now}
    return entry if insert_unless_taken(lambda: _CREATE.run(_connection(), entry)) else None


def _replace(entry: StoredEntry, content: dict[str, Any]) -> StoredEntry:
    _keep(entry, "replaced")
    changes = {**content, "version": entry["version"] + 1, "updated_at": utcnow()}
    _REPLACE.run(_connection(), {**changes, "entry_id": entry["id"]})
    return {**entry, **changes}


def upsert_entry(
    *,
    user: Account,
    day: date,
    data: dict[str, Any],
    precondition_failed: Callable[[int | None], bool],
) -> tuple[StoredEntry, bool]:
    """Create or replace the day's entry; returns (entry, created).

    Replaying the same content changes nothing (no new version, no history row).
    Two first writes racing for the same day: the loser's INSERT hits the unique
    constraint inside a savepoint and is retried as a replace.
    """
    check_loggable(day, user.timezone)
    content = normalized(data)
    for _attempt in range(3):
        entry = find_entry(user=user, day=day, for_update=True)
        if precondition_failed(entry["version"] if entry else None):
            raise StaleVersion(entry)
        if entry is None:
            if (created := _create(user, day, content)) is not None:
                return created, True
            continue
        if content_of(entry) == content:
            return entry, False
        return _replace(entry, content), False
    raise RuntimeError("entry upsert did not settle")  # pragma: no cover


def delete_entry(
    *,
    user: Account,
    day: date,
    precondition_failed: Callable[[int | None], bool],
) -> None:
    """Delete the day's entry, keeping its content in history; nothing there is fine."""
    entry = find_entry(user=user, day=day, for_update=True)
    if entry is None:
        return
    if precondition_failed(entry["version"]):
        raise StaleVersion(entry)
    _keep(entry, "deleted")
    _DELETE.run(_connection(), {"entry_id": entry["id"]})


def list_entries(*, user: Account, start: date, end: date) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.user_id == user.id, Entry.date >= start, Entry.date <= end)
            .order_by(Entry.date)
        )
    )


def entry_history(*, user: Account, day: date) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(EntryVersion)
        .where(EntryVersion.user_id == user.id, EntryVersion.date == day)
        .order_by(EntryVersion.version.desc(), EntryVersion.id.desc())
    )
    return [
        {
            **row.content,
            "date": row.date,
            "version": row.version,
            "change": row.change,
            "updated_at": row.saved_at,
            "replaced_at": row.replaced_at,
        }
        for row in rows
    ]
