"""Treatment sessions, keyed by (patient, client-chosen UUID) so offline replays are
harmless; saved through the versioned-record upsert (api/db/records.py) like entries, with
every earlier content kept in `treatment_versions`."""

from __future__ import annotations

import uuid
from datetime import UTC, date
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, select

from api.auth.models import Account
from api.calendar import check_loggable, local_date_of
from api.db import db, records
from api.db.records import Record
from api.domain import NotFound
from api.formats import fhir
from api.formats.csv import TREATMENT_COLUMNS
from api.treatments.models import CONTENT_FIELDS, Treatment, TreatmentVersion
from api.treatments.schemas import TreatmentSchema
from api.treatments.vitals import (
    READING_PHASES,
    check_taken_at,
    first_of_phase,
    flagged_on,
    flags,
    normalized_readings,
)
from api.versioning import IfMatch

NOT_FOUND = "No such treatment session."

# The order sessions are listed and exported in (unique per patient: in_chunks pages by it).
TREATMENT_ORDER = (Treatment.started_at, Treatment.id)


def treatments_within(*, user: Account, start: date, end: date) -> Select[tuple[Treatment]]:
    """The patient's sessions whose local date is start..end (their readings with them):
    what "within these dates" means for sessions."""
    return select(Treatment).where(Treatment.user_id == user.id,
                                   Treatment.local_date >= start, Treatment.local_date <= end)


def csv_row(treatment: Treatment) -> dict[str, Any]:
    """A session as a treatments.csv row (api/formats/csv.py TREATMENT_COLUMNS): its
    columns, the first reading of each phase, and the flags' codes."""
    row: dict[str, Any] = {column.name: getattr(treatment, column.key)
                           for column in Treatment.__table__.columns}
    for phase in READING_PHASES:
        first = first_of_phase(treatment.vitals, phase) or {}
        for value in ("systolic", "diastolic", "heart_rate", "spo2", "taken_at"):
            row[f"{phase}_{value}"] = first.get(value)
    row["flags"] = [flag["code"] for flag in flags(treatment.vitals)]
    return row


TREATMENTS = records.Kind(
    name="treatments", within=treatments_within, order=TREATMENT_ORDER,
    dated=attrgetter("local_date"), columns=TREATMENT_COLUMNS, csv_row=csv_row,
    private=("notes",), fhir=fhir.treatment_resources, exported_as="treatments",
    history_exported_as="treatment_versions", analysis="treatments",
    table=Treatment.__table__, key=("user_id", "id"), content=CONTENT_FIELDS,
    present=TreatmentSchema().dump,
    history=records.History(table=TreatmentVersion.__table__, key=("user_id", "treatment_id")),
)


def normalized(data: dict[str, Any]) -> dict[str, Any]:
    """A PUT body as stored content: every field present, the defaults of the fields a
    body may leave out, lists de-duplicated in order."""
    content = {field: data.get(field) for field in CONTENT_FIELDS}
    content["started_at"] = data["started_at"].astimezone(UTC)  # as stored and read back
    content["medication"] = data.get("medication") or "ketamine"
    content["with_psychotherapy"] = bool(data.get("with_psychotherapy"))
    content["clinic"] = data.get("clinic") or ""
    content["side_effects"] = list(dict.fromkeys(data.get("side_effects") or []))
    content["notes"] = data.get("notes") or ""
    content["vitals"] = normalized_readings(data.get("vitals") or [])
    content["concomitant"] = list(dict.fromkeys(data.get("concomitant") or []))
    return content


def find_treatment(*, user: Account, treatment_id: uuid.UUID) -> Record:
    return records.get(TREATMENTS, {"user_id": user.id, "id": treatment_id}, missing=NOT_FOUND)


def save_treatment(*, user: Account, treatment_id: uuid.UUID, data: dict[str, Any],
                  if_match: IfMatch | None = None) -> tuple[Record, bool]:
    """Create or replace a session; returns (session, created). Identical replays change
    nothing. The UUID is this patient's: another patient's use of it is another session."""
    content = normalized(data)
    local_date = local_date_of(content["started_at"], user.timezone)
    check_loggable(local_date, user.timezone, field="started_at")
    check_taken_at(data.get("vitals") or [], session_date=local_date, timezone=user.timezone)
    derived = {"local_date": local_date,
               "bp_flagged_on": flagged_on(content["vitals"], local_date)}
    return records.save(TREATMENTS, {"user_id": user.id, "id": treatment_id}, content,
                        if_match=if_match, derived=derived)


def delete_treatment(*, user: Account, treatment_id: uuid.UUID,
                     if_match: IfMatch | None = None) -> None:
    if not records.remove(TREATMENTS, {"user_id": user.id, "id": treatment_id},
                          if_match=if_match):
        raise NotFound(NOT_FOUND)


def treatment_history(*, user: Account, treatment_id: uuid.UUID) -> list[Record]:
    """Earlier contents of a session, newest first (a deleted session's too); NotFound
    when this patient never had a session with this id."""
    key = {"user_id": user.id, "id": treatment_id}
    earlier = records.history(TREATMENTS, key)
    if not earlier and records.find(TREATMENTS, key) is None:
        raise NotFound(NOT_FOUND)
    return earlier


def list_treatments(*, user: Account, start: date, end: date) -> list[Treatment]:
    return list(db.session.scalars(
        treatments_within(user=user, start=start, end=end).order_by(*TREATMENT_ORDER)))

