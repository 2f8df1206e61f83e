"""The medication list, keyed by (patient, client-chosen UUID) and saved through the
versioned-record upsert (api/db/records.py) like treatment sessions; and what trends and
the provider report show of it: starts, stops and dose changes as dated markers, and the
weekly bladder answers beside them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select

from api.auth.models import Account
from api.bladder.models import BladderCheck
from api.bladder.service import list_checks
from api.calendar import check_loggable, local_today
from api.db import db, records
from api.db.records import Record
from api.domain import Invalid, NotFound
from api.formats import fhir
from api.formats.csv import MEDICATION_COLUMNS
from api.medications.models import CONTENT_FIELDS, Medication
from api.medications.schemas import MedicationSchema, SharedMedicationSchema
from api.versioning import IfMatch

NOT_FOUND = "No such medication."

def normalized(data: dict[str, Any]) -> dict[str, Any]:
    content = {field: data.get(field) for field in CONTENT_FIELDS}
    content["name"] = data["name"].strip()
    content["dose"] = (data.get("dose") or "").strip()
    content["notes"] = data.get("notes") or ""
    return content


def find_medication(*, user: Account, medication_id: uuid.UUID) -> Record:
    return records.get(MEDICATIONS, {"user_id": user.id, "id": medication_id},
                       missing=NOT_FOUND)


def _changes(stored: Record, content: dict[str, Any], changed_on: date
             ) -> list[dict[str, Any]]:
    """The stored dose changes, plus this one when the dose changes (one per day: a second
    change on the same day corrects the first)."""
    changes = list(stored["changes"] or [])
    if content["dose"] == stored["dose"]:
        return changes
    day = changed_on.isoformat()
    if changes and changes[-1]["date"] == day:
        changes.pop()
    return [*changes, {"date": day, "dose": content["dose"]}]


def save_medication(*, user: Account, medication_id: uuid.UUID, data: dict[str, Any],
                    if_match: IfMatch | None = None) -> tuple[Record, bool]:
    """Create or replace a medication; returns (medication, created). A replay changes
    nothing, so a dose change is recorded once however often the phone sends it."""
    content = normalized(data)
    check_loggable(content["started_on"], user.timezone, field="started_on")
    changed_on = data.get("dose_changed_on")
    if changed_on is not None:
        check_loggable(changed_on, user.timezone, field="dose_changed_on")
        if changed_on < content["started_on"]:
            raise Invalid("dose_changed_on", "Must not be before started_on.")
    else:
        changed_on = max(local_today(user.timezone), content["started_on"])
    key = {"user_id": user.id, "id": medication_id}
    stored = records.find(MEDICATIONS, key, lock=True)
    if stored is None:
        derived = {"initial_dose": content["dose"], "changes": []}
    else:
        derived = {"changes": _changes(stored, content, changed_on)}
    return records.save(MEDICATIONS, key, content, if_match=if_match, derived=derived)


def delete_medication(*, user: Account, medication_id: uuid.UUID,
                      if_match: IfMatch | None = None) -> None:
    if not records.remove(MEDICATIONS, {"user_id": user.id, "id": medication_id},
                          if_match=if_match):
        raise NotFound(NOT_FOUND)


# The order medications are listed and exported in (unique per patient: in_chunks pages
# by it).
MEDICATION_ORDER = (Medication.started_on, Medication.name, Medication.id)


def medications_within(*, user: Account, start: date | None = None, end: date | None = None
                       ) -> Select[tuple[Medication]]:
    """The medications taken at some time in start..end (started by its end, not stopped
    before its start): what "within these dates" means for medications. Shown through
    `as_of`, as they stood at the range's end."""
    query = select(Medication).where(Medication.user_id == user.id)
    if end is not None:
        query = query.where(Medication.started_on <= end)
    if start is not None:
        query = query.where((Medication.stopped_on.is_(None)) | (Medication.stopped_on >= start))
    return query


def list_medications(*, user: Account, start: date | None = None, end: date | None = None
                     ) -> list[Medication]:
    """All of the patient's medications (as stored), or those taken at some time in
    start..end."""
    return list(db.session.scalars(
        medications_within(user=user, start=start, end=end).order_by(*MEDICATION_ORDER)))


@dataclass(frozen=True)
class MedicationThen:
    """A medication as it stood at the end of a range: the dose of then, its stop only if
    it came by then (a later stop is unknown to the range: still taken), and only the dose
    changes dated within the range. Name, class and notes have no history: as stored."""

    id: uuid.UUID
    name: str
    dose: str
    drug_class: str
    started_on: date
    stopped_on: date | None
    notes: str
    changes: list[dict[str, Any]]
    version: int


def dose_on(medication: Medication, day: date) -> str:
    """The dose taken on `day`: that of the last change dated by then, else the first."""
    taken = [c for c in sorted(medication.changes or [], key=lambda c: c["date"])
             if c["date"] <= day.isoformat()]
    return taken[-1]["dose"] if taken else medication.initial_dose


def as_of(medication: Medication, *, start: date, end: date) -> MedicationThen:
    """The medication as it stood at `end`, with the changes dated start..end."""
    lo, hi = start.isoformat(), end.isoformat()
    stopped = medication.stopped_on
    return MedicationThen(
        id=medication.id, name=medication.name, dose=dose_on(medication, end),
        drug_class=medication.drug_class, started_on=medication.started_on,
        stopped_on=stopped if stopped is not None and stopped <= end else None,
        notes=medication.notes,
        changes=[c for c in medication.changes or [] if lo <= c["date"] <= hi],
        version=medication.version)


MARKER_ORDER = {"started": 0, "changed": 1, "stopped": 2}


def markers(medications: list[Medication], start: date, end: date) -> list[dict[str, Any]]:
    """Starts, dose changes and stops dated start..end, by date: JSON-ready."""
    found = []
    for medication in medications:
        events = [(medication.started_on, "started", medication.initial_dose)]
        events += [(date.fromisoformat(change["date"]), "changed", change["dose"])
                   for change in medication.changes or []]
        if medication.stopped_on is not None:
            events.append((medication.stopped_on, "stopped",
                           dose_on(medication, medication.stopped_on)))
        found += [{"date": day.isoformat(), "kind": kind, "medication_id": str(medication.id),
                   "name": medication.name, "dose": dose, "class": medication.drug_class}
                  for day, kind, dose in events if start <= day <= end]
    return sorted(found, key=lambda m: (m["date"], MARKER_ORDER[m["kind"]], m["name"],
                                        m["medication_id"]))


def add_medications(body: dict[str, Any], *, user: Account, start: date, end: date
                    ) -> dict[str, Any]:
    """The patient's trends body gains the medication markers and the weekly bladder
    answers dated start..end."""
    return add_medication_rows(body, list_medications(user=user, start=start, end=end),
                               list_checks(user=user, start=start, end=end),
                               start=start, end=end)


def add_medication_rows(body: dict[str, Any], medications: list[Medication],
                        checks: list[BladderCheck], *, start: date, end: date
                        ) -> dict[str, Any]:
    """A trends body (the patient's or a shared report's, whose rows were read through its
    scope) gains the markers and the bladder answers of these rows dated start..end."""
    body["medications"] = markers(medications, start, end)
    body["bladder_checks"] = [
        {"date": check.date.isoformat(), "symptoms": check.symptoms,
         "answered_at": check.updated_at.isoformat()}
        for check in checks if start <= check.date <= end]
    return body


def shared_list(medications: list[MedicationThen], *, include_notes: bool
                ) -> list[dict[str, Any]]:
    """The report's medication list, of the medications as a scope shows them (`as_of`
    its dates); notes only when the scope includes them."""
    items = []
    for medication in medications:
        item = SharedMedicationSchema().dump(medication)
        if not include_notes:
            item.pop("notes")
        items.append(item)
    return items


def csv_row(medication: MedicationThen) -> dict[str, Any]:
    """A medication as a medications.csv row: dose changes as "YYYY-MM-DD dose", ";"-joined."""
    return {"id": medication.id, "name": medication.name, "dose": medication.dose,
            "class": medication.drug_class, "started_on": medication.started_on,
            "stopped_on": medication.stopped_on, "notes": medication.notes,
            "dose_changes": [f"{c['date']} {c['dose']}".strip()
                             for c in medication.changes or []],
            "version": medication.version}


def shown_then(medication: Medication, start: date, end: date) -> MedicationThen:
    return as_of(medication, start=start, end=end)


MEDICATIONS = records.Kind(
    name="medications", within=medications_within, order=MEDICATION_ORDER, shown=shown_then,
    columns=MEDICATION_COLUMNS, csv_row=csv_row, private=("notes",),
    fhir=fhir.medication_resources,
    exported_as="medications", analysis="medication_list",
    table=Medication.__table__, key=("user_id", "id"), content=CONTENT_FIELDS,
    present=MedicationSchema().dump,
)
