"""Daily entries: idempotent upsert by (patient, local date), history on every change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from api.auth.models import User
from api.calendar import check_loggable
from api.entries.models import CONTENT_FIELDS, Entry, EntryVersion
from api.extensions import db
from api.models import insert_unless_taken
from api.versioning import StaleVersion


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A PUT body as stored content: every field present, lists de-duplicated in order."""
    content = {field: data.get(field) for field in CONTENT_FIELDS}
    content["side_effects"] = list(dict.fromkeys(data.get("side_effects") or []))
    content["tags"] = list(dict.fromkeys(tag.strip() for tag in data.get("tags") or []))
    content["notes"] = data.get("notes") or ""
    return content


def find_entry(*, user: User, day: date, for_update: bool = False) -> Entry | None:
    query = select(Entry).where(Entry.user_id == user.id, Entry.date == day)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def _next_version(user: User, day: date) -> int:
    """Versions keep counting after a delete, so an old ETag never matches a new entry."""
    latest = db.session.scalar(
        select(func.max(EntryVersion.version)).where(
            EntryVersion.user_id == user.id, EntryVersion.date == day
        )
    )
    return (latest or 0) + 1


def _keep(entry: Entry, change: str) -> None:
    db.session.add(
        EntryVersion(
            user_id=entry.user_id,
            date=entry.date,
            version=entry.version,
            content=entry.content(),
            change=change,
            saved_at=entry.updated_at,
        )
    )


def upsert_entry(
    *,
    user: User,
    day: date,
    data: dict[str, Any],
    precondition_failed: Callable[[int | None], bool],
) -> tuple[Entry, bool]:
    """Create or replace the day's entry; returns (entry, created).

    Replaying the same content changes nothing (no new version, no history row).
    Two first writes racing for the same day: the loser's INSERT hits the unique
    constraint inside a savepoint and is retried as a replace.
    """
    check_loggable(day, user.timezone)
    content = normalized(data)
    for _attempt in range(3):
        entry = find_entry(user=user, day=day, for_update=True)
        if precondition_failed(entry.version if entry else None):
            raise StaleVersion(entry)
        if entry is None:
            entry = Entry(user_id=user.id, date=day, version=_next_version(user, day), **content)
            if insert_unless_taken(entry):
                return entry, True
            continue
        if entry.content() == content:
            return entry, False
        _keep(entry, "replaced")
        for field, value in content.items():
            setattr(entry, field, value)
        entry.version += 1
        db.session.flush()
        return entry, False
    raise RuntimeError("entry upsert did not settle")  # pragma: no cover


def delete_entry(
    *,
    user: User,
    day: date,
    precondition_failed: Callable[[int | None], bool],
) -> None:
    """Delete the day's entry, keeping its content in history; nothing there is fine."""
    entry = find_entry(user=user, day=day, for_update=True)
    if entry is None:
        return
    if precondition_failed(entry.version):
        raise StaleVersion(entry)
    _keep(entry, "deleted")
    db.session.delete(entry)


def list_entries(*, user: User, start: date, end: date) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.user_id == user.id, Entry.date >= start, Entry.date <= end)
            .order_by(Entry.date)
        )
    )


def entry_history(*, user: User, day: date) -> list[dict[str, Any]]:
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
