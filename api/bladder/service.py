"""Bladder answers, one per (patient, local date), saved through the versioned-record
upsert (api/db/records.py) and declared there as a record kind (its CSV, its FHIR, its
dates: every audience reads it through its scope); and whether Today should ask this
week."""

from __future__ import annotations

from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, func, select

from api.auth.models import Account
from api.bladder.models import CONTENT_FIELDS, BladderCheck
from api.bladder.schemas import BladderCheckSchema
from api.calendar import check_loggable, local_today
from api.db import db, records
from api.db.records import Record
from api.formats import fhir
from api.treatments.models import Treatment
from api.versioning import IfMatch
from api.vocabulary import BLADDER_SYMPTOMS

# Asked while sessions are this frequent, at most once in this many days.
SESSIONS_FOR_QUESTION = 4
SESSION_WINDOW_DAYS = 30
ASK_EVERY_DAYS = 7

# The order answers are listed and exported in (unique per patient: in_chunks pages by it).
CHECK_ORDER = (BladderCheck.date,)


def checks_within(*, user: Account, start: date, end: date) -> Select[tuple[BladderCheck]]:
    """The answers dated start..end: what "within these dates" means for them."""
    return select(BladderCheck).where(BladderCheck.user_id == user.id,
                                      BladderCheck.date >= start, BladderCheck.date <= end)


# Its CSV: one column per symptom asked about, true or false.
CHECK_COLUMNS = ("date", *BLADDER_SYMPTOMS, "answered_at", "version")


def csv_row(check: BladderCheck) -> dict[str, Any]:
    return {"date": check.date, **{s: s in check.symptoms for s in BLADDER_SYMPTOMS},
            "answered_at": check.updated_at, "version": check.version}


FHIR_CODE = {"system": fhir.SCORES_SYSTEM, "code": "bladder",
             "display": "Bladder symptoms in the last week (ketamine cystitis)"}
SYMPTOM_TEXT = {"urinary_frequency": "Needing to pass urine more often",
                "painful_urination": "Pain when passing urine",
                "blood_in_urine": "Blood in the urine"}


def fhir_resources(check: BladderCheck, *, key: str, subject: str, include_notes: bool
                   ) -> list[dict[str, Any]]:
    """An answer as one Observation: the symptoms noticed, as text ("None" for none)."""
    day = check.date.isoformat()
    text = "; ".join(SYMPTOM_TEXT[symptom] for symptom in check.symptoms) or "None"
    return [fhir.observation(fhir.stable_id(key, "bladder", day), subject, day,
                             {"coding": [FHIR_CODE], "text": FHIR_CODE["display"]},
                             {"valueString": text})]


CHECKS = records.Kind(
    name="bladder", within=checks_within, order=CHECK_ORDER, dated=attrgetter("date"),
    columns=CHECK_COLUMNS, csv_row=csv_row, private=(), fhir=fhir_resources,
    exported_as="bladder_checks", analysis="bladder_checks",
    table=BladderCheck.__table__, key=("user_id", "date"), content=CONTENT_FIELDS,
    present=BladderCheckSchema().dump,
)


def save_check(*, user: Account, day: date, data: dict[str, Any],
               if_match: IfMatch | None = None) -> tuple[Record, bool]:
    """The answer for a day; returns (answer, created). A replay changes nothing; an
    If-Match naming another version is refused (412), never applied."""
    check_loggable(day, user.timezone)
    chosen = set(data["symptoms"])
    content = {"symptoms": [s for s in BLADDER_SYMPTOMS if s in chosen]}
    return records.save(CHECKS, {"user_id": user.id, "date": day}, content, if_match=if_match)


def list_checks(*, user: Account, start: date, end: date) -> list[BladderCheck]:
    return list(db.session.scalars(
        checks_within(user=user, start=start, end=end).order_by(*CHECK_ORDER)))


def due(*, user: Account, today: date | None = None) -> dict[str, Any]:
    today = today or local_today(user.timezone)
    sessions = db.session.scalar(
        select(func.count()).select_from(Treatment).where(
            Treatment.user_id == user.id,
            Treatment.local_date > today - timedelta(days=SESSION_WINDOW_DAYS),
            Treatment.local_date <= today)) or 0
    last = db.session.scalar(select(func.max(BladderCheck.date))
                             .where(BladderCheck.user_id == user.id))
    answered_lately = last is not None and last > today - timedelta(days=ASK_EVERY_DAYS)
    return {"due": sessions >= SESSIONS_FOR_QUESTION and not answered_lately,
            "sessions_in_30_days": sessions, "last_answered_on": last}
