"""Questionnaire responses, keyed by (patient, client-chosen UUID) and saved through the
versioned-record upsert like treatment sessions; scored here, on the server, when saved."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, timedelta
from operator import attrgetter
from typing import Any

from sqlalchemy import Select, func, select

from api.auth.models import Account
from api.calendar import check_loggable, local_date_of, local_today
from api.db import db, records
from api.db.records import Record
from api.domain import NotFound
from api.formats import fhir
from api.formats.csv import QUESTIONNAIRE_COLUMNS
from api.questionnaires.instruments import FHIR_DESCRIPTIONS, INSTRUMENTS
from api.questionnaires.models import CONTENT_FIELDS, QuestionnaireResponse
from api.questionnaires.schemas import ResponseSchema, as_number
from api.versioning import IfMatch

NOT_FOUND = "No such questionnaire response."

# The order check-ins are listed and exported in (unique per patient: in_chunks pages by it).
RESPONSE_ORDER = (QuestionnaireResponse.answered_at, QuestionnaireResponse.id)


def responses_within(*, user: Account, start: date, end: date
                     ) -> Select[tuple[QuestionnaireResponse]]:
    """The check-ins answered on the patient's local dates start..end: what "within these
    dates" means for them."""
    return select(QuestionnaireResponse).where(
        QuestionnaireResponse.user_id == user.id, QuestionnaireResponse.local_date >= start,
        QuestionnaireResponse.local_date <= end)


def flat_row(r: QuestionnaireResponse) -> dict[str, Any]:
    """A response as a CSV row: one column per item (q1..q9; those an instrument lacks stay
    empty), then the server's score."""
    return {"id": r.id, "instrument": r.instrument, "answered_at": r.answered_at,
            "local_date": r.local_date, **r.answers, "difficulty": r.difficulty,
            "total": as_number(r.total), "severity": r.severity, "safety_flag": r.safety_flag,
            "version": r.version}


def fhir_resources(response: QuestionnaireResponse, *, key: str, subject: str,
                   include_notes: bool) -> list[dict[str, Any]]:
    """A response's FHIR resources, described by its instrument (check-ins have no notes)."""
    return fhir.questionnaire_resources(response, FHIR_DESCRIPTIONS[response.instrument],
                                        key=key, subject=subject)


RESPONSES = records.Kind(
    name="questionnaires", within=responses_within, order=RESPONSE_ORDER,
    dated=attrgetter("local_date"), columns=QUESTIONNAIRE_COLUMNS, csv_row=flat_row,
    private=(), fhir=fhir_resources,
    exported_as="questionnaire_responses", analysis="questionnaires",
    table=QuestionnaireResponse.__table__, key=("user_id", "id"), content=CONTENT_FIELDS,
    present=ResponseSchema().dump,
)


def scored(data: dict[str, Any], timezone: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A PUT body as stored content, and what the server derives from it."""
    instrument = INSTRUMENTS[data["instrument"]]
    answers = {key: data["answers"][key] for key in instrument.keys}
    content = {
        "instrument": instrument.id,
        "answered_at": data["answered_at"].astimezone(UTC),
        "answers": answers,
        "difficulty": data.get("difficulty"),
    }
    total = instrument.total(answers)
    derived = {
        "local_date": local_date_of(content["answered_at"], timezone),
        "total": total,
        "severity": instrument.severity(total),
        "safety_flag": instrument.safety_flag(answers),
    }
    return content, derived


def save_response(*, user: Account, response_id: uuid.UUID, data: dict[str, Any],
                  if_match: IfMatch | None = None) -> tuple[Record, bool]:
    """Create or replace a response; returns (response, created). Identical replays
    change nothing."""
    content, derived = scored(data, user.timezone)
    check_loggable(derived["local_date"], user.timezone, field="answered_at")
    return records.save(RESPONSES, {"user_id": user.id, "id": response_id}, content,
                        if_match=if_match, derived=derived)


def find_response(*, user: Account, response_id: uuid.UUID) -> Record:
    return records.get(RESPONSES, {"user_id": user.id, "id": response_id}, missing=NOT_FOUND)


def delete_response(*, user: Account, response_id: uuid.UUID,
                    if_match: IfMatch | None = None) -> None:
    if not records.remove(RESPONSES, {"user_id": user.id, "id": response_id},
                          if_match=if_match):
        raise NotFound(NOT_FOUND)


def list_responses(*, user: Account, start: date, end: date, instrument: str | None = None
                   ) -> list[QuestionnaireResponse]:
    query = responses_within(user=user, start=start, end=end).order_by(*RESPONSE_ORDER)
    if instrument is not None:
        query = query.where(QuestionnaireResponse.instrument == instrument)
    return list(db.session.scalars(query))


def due(*, user: Account, today: date | None = None) -> list[dict[str, Any]]:
    """The enabled check-ins that are due today (the patient's date): none answered
    within the interval."""
    today = today or local_today(user.timezone)
    return due_for([(user, today)])[user.id]


def due_for(patients: Sequence[tuple[Account, date]]) -> dict[int, list[dict[str, Any]]]:
    """due() for many patients at once, each on their own local date (the reminders'
    sender): one query per distinct date, however many patients."""
    by_today: dict[date, list[int]] = defaultdict(list)
    for user, today in patients:
        by_today[today].append(user.id)
    latest: dict[tuple[int, str], date] = {}
    for today, ids in by_today.items():
        latest.update(((uid, name), last) for uid, name, last in db.session.execute(
            select(QuestionnaireResponse.user_id, QuestionnaireResponse.instrument,
                   func.max(QuestionnaireResponse.local_date))
            .where(QuestionnaireResponse.user_id.in_(ids),
                   QuestionnaireResponse.local_date <= today)
            .group_by(QuestionnaireResponse.user_id, QuestionnaireResponse.instrument)))
    return {user.id: _due_items(user, today, latest) for user, today in patients}


def _due_items(user: Account, today: date, latest: dict[tuple[int, str], date]
               ) -> list[dict[str, Any]]:
    items = []
    for name in user.questionnaires:
        instrument = INSTRUMENTS[name]
        last = latest.get((user.id, name))
        if last is None:
            items.append({"instrument": name, "reason": "never_answered",
                          "due_since": min(today, local_date_of(user.created_at, user.timezone))})
        elif (today - last).days >= instrument.interval_days:
            items.append({"instrument": name, "reason": "interval",
                          "due_since": last + timedelta(days=instrument.interval_days)})
    return items


# --- In trends and on the provider's report ------------------------------------------------

SCORE_COLUMNS = (QuestionnaireResponse.id, QuestionnaireResponse.instrument,
                 QuestionnaireResponse.answered_at, QuestionnaireResponse.local_date,
                 QuestionnaireResponse.total, QuestionnaireResponse.severity,
                 QuestionnaireResponse.safety_flag, QuestionnaireResponse.answers)


def score_rows(*, user: Account, start: date, end: date) -> Sequence[Any]:
    """Every response's score in start..end, oldest first: what trends need of them."""
    return db.session.execute(
        select(*SCORE_COLUMNS)
        .where(QuestionnaireResponse.user_id == user.id,
               QuestionnaireResponse.local_date >= start,
               QuestionnaireResponse.local_date <= end)
        .order_by(QuestionnaireResponse.answered_at, QuestionnaireResponse.id)
    ).all()
