"""Daily entries: one per (patient, local date), saved through the versioned-record upsert
(api/db/records.py) with every earlier content kept in `entry_versions`."""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, select

from api.auth.models import Account
from api.calendar import check_loggable
from api.db import db, records
from api.db.records import Record
from api.entries.models import CONTENT_FIELDS, Entry, EntryVersion
from api.entries.schemas import EntrySchema
from api.formats import fhir
from api.formats.csv import ENTRY_COLUMNS
from api.versioning import IfMatch

NOT_FOUND = "Nothing logged for this date."

# The order entries are listed and exported in (unique per patient: in_chunks pages by it).
ENTRY_ORDER = (Entry.date,)


def entries_within(*, user: Account, start: date, end: date) -> Select[tuple[Entry]]:
    """The patient's entries dated start..end: what "within these dates" means for them."""
    return select(Entry).where(Entry.user_id == user.id, Entry.date >= start,
                               Entry.date <= end)


ENTRIES = records.Kind(
    name="entries", within=entries_within, order=ENTRY_ORDER, dated=attrgetter("date"),
    columns=ENTRY_COLUMNS, private=("notes", "tags"), fhir=fhir.entry_observations,
    exported_as="entries", history_exported_as="entry_versions", analysis="days",
    table=Entry.__table__, key=("user_id", "date"), content=CONTENT_FIELDS,
    present=EntrySchema().dump,
    history=records.History(table=EntryVersion.__table__, key=("user_id", "date")),
)


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A PUT body as stored content: every field present, lists de-duplicated in order."""
    content = {field: data.get(field) for field in CONTENT_FIELDS}
    content["side_effects"] = list(dict.fromkeys(data.get("side_effects") or []))
    content["tags"] = list(dict.fromkeys(data.get("tags") or []))
    content["notes"] = data.get("notes") or ""
    return content


def find_entry(*, user: Account, day: date) -> Record:
    return records.get(ENTRIES, {"user_id": user.id, "date": day}, missing=NOT_FOUND)


def save_entry(*, user: Account, day: date, data: dict[str, Any],
                 if_match: IfMatch | None = None) -> tuple[Record, bool]:
    """Create or replace the day's entry; returns (entry, created). Replaying the same
    content changes nothing (no new version, no history row)."""
    check_loggable(day, user.timezone)
    return records.save(ENTRIES, {"user_id": user.id, "date": day}, normalized(data),
                        if_match=if_match)


def delete_entry(*, user: Account, day: date, if_match: IfMatch | None = None) -> None:
    """Delete the day's entry, keeping its content in history; nothing there is fine."""
    records.remove(ENTRIES, {"user_id": user.id, "date": day}, if_match=if_match)


def list_entries(*, user: Account, start: date, end: date) -> list[Entry]:
    return list(db.session.scalars(
        entries_within(user=user, start=start, end=end).order_by(*ENTRY_ORDER)))


def entry_history(*, user: Account, day: date) -> list[Record]:
    """Earlier contents of the day's entry, newest first (none is an empty list)."""
    return records.history(ENTRIES, {"user_id": user.id, "date": day})
