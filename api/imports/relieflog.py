"""Relieflog's own account export (`GET /me/export`, "relieflog-export/1"), from this
install or another: entries, sessions with their readings, medications with their dose
changes, check-ins and bladder answers come back with their dates, keys and contents.
Shares, tokens, connections and the security log stay with the install they belong to.

Each record is checked by its domain's own input schema, so an export can bring nothing
that the API would refuse from a phone."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError

from api.bladder.schemas import BladderCheckInSchema
from api.entries.schemas import EntryInSchema
from api.imports.incoming import Incoming
from api.imports.reading import BadFile, checked_day
from api.json_body import InvalidJSON, loads
from api.medications.schemas import MedicationInSchema
from api.questionnaires.schemas import ResponseInSchema
from api.treatments.schemas import TreatmentInSchema

NAME = "relieflog"
LABEL = "Relieflog"
FORMAT = "relieflog-export/1"
# The lists an export brings back, and the schema each item is checked by.
KINDS: dict[str, type[Schema]] = {
    "entries": EntryInSchema,
    "treatments": TreatmentInSchema,
    "medications": MedicationInSchema,
    "questionnaire_responses": ResponseInSchema,
    "bladder_checks": BladderCheckInSchema,
}


def detect_text(text: str) -> bool:
    return text.lstrip()[:1] == "{"


def _where(kind: str, index: int, field: str) -> str:
    return f"{kind}[{index}].{field}" if field else f"{kind}[{index}]"


def _first_error(messages: Any) -> tuple[str, str]:
    """The first field and message of a marshmallow error, nested names joined by dots."""
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        field, message = _first_error(value)
        return (f"{key}.{field}" if field else str(key)), message
    if isinstance(messages, list) and messages:
        return _first_error(messages[0]) if not isinstance(messages[0], str) else ("",
                                                                                   messages[0])
    return "", str(messages)


def _loaded(schema: Schema, item: Any, kind: str, index: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadFile("Not an object.", column=_where(kind, index, ""))
    body = dict(item)
    if kind == "treatments":  # readings as exported carry what the server derived
        body["vitals"] = [{k: v for k, v in reading.items() if k in ("taken_at", "phase",
                                                                    "systolic", "diastolic",
                                                                    "heart_rate", "spo2")}
                          if isinstance(reading, dict) else reading
                          for reading in body.get("vitals") or []]
    try:
        loaded: dict[str, Any] = schema.load(body, unknown=EXCLUDE)
    except ValidationError as error:
        field, message = _first_error(error.messages)
        raise BadFile(message, column=_where(kind, index, field)) from None
    return loaded


def _key(item: dict[str, Any], kind: str, index: int) -> uuid.UUID:
    try:
        return uuid.UUID(str(item["id"]))
    except (KeyError, ValueError):
        raise BadFile("Not a UUID.", column=_where(kind, index, "id")) from None


def _day(item: dict[str, Any], kind: str, index: int, latest: date) -> date:
    try:
        day = date.fromisoformat(str(item["date"]))
    except (KeyError, ValueError):
        raise BadFile("Not a date written as YYYY-MM-DD.",
                      column=_where(kind, index, "date")) from None
    return checked_day(day, None, _where(kind, index, "date"), latest)


def read(text: str, latest: date) -> Incoming:
    try:
        document = loads(text)
    except InvalidJSON as error:
        raise BadFile(error.reason, line=error.lineno,
                      column=None if error.field == "body" else error.field) from None
    except ValueError as error:  # JSONDecodeError: where the JSON breaks
        raise BadFile(getattr(error, "msg", "Not JSON."), line=getattr(error, "lineno", None)
                      ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadFile(f'Not a Relieflog export: it must say "format": "{FORMAT}".',
                      column="format")
    incoming = Incoming(NAME)
    for kind, schema_class in KINDS.items():
        items = document.get(kind) or []
        if not isinstance(items, list):
            raise BadFile("Not a list.", column=kind)
        schema = schema_class()
        loaded = []
        for index, item in enumerate(items):
            body = _loaded(schema, item, kind, index)
            if kind in ("entries", "bladder_checks"):
                body["date"] = _day(item, kind, index, latest)
            else:
                body["id"] = _key(item, kind, index)
            if kind == "medications":
                body["initial_dose"] = str(item.get("initial_dose", body["dose"]))
                body["changes"] = _changes(item, index, latest)
            loaded.append(body)
        incoming.records[kind] = loaded
        incoming.rows += len(loaded)
    return incoming


def _changes(item: dict[str, Any], index: int, latest: date) -> list[dict[str, Any]]:
    where = _where("medications", index, "changes")
    changes = item.get("changes") or []
    if not isinstance(changes, list):
        raise BadFile("Not a list.", column=where)
    result = []
    for change in changes:
        if not (isinstance(change, dict) and isinstance(change.get("dose"), str)):
            raise BadFile("Each change needs a date and a dose.", column=where)
        try:
            day = date.fromisoformat(str(change.get("date")))
        except ValueError:
            raise BadFile("Not a date written as YYYY-MM-DD.", column=where) from None
        result.append({"date": checked_day(day, None, where, latest), "dose": change["dose"]})
    return result
