"""Blood pressure, heart rate and SpO2 around a session, and the flags the server raises on
them. The one place the thresholds live: the PWA, the provider report, exports and the
clinic panel all show what is computed here (the flags carry their threshold), and no
client keeps a copy.

Readings are stored on the session (`treatments.vitals`, a JSON list sorted by
`taken_at`, each time in UTC). `treatments.bp_flagged_on` is the session's local date
when any flag is raised, else null: the clinic panel asks "latest flagged session in
the last 14 days" of many patients at once through the index on (user_id,
bp_flagged_on), without reading the readings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.calendar import local_date_of
from api.domain import Invalid
from api.fields import AwareDateTime

MAX_READINGS = 12
READING_PHASES = ("before", "during", "after")

# The esketamine label's "consider delaying" point for a reading before dosing, and the
# level at which any reading is very high (hypertensive urgency). At or above either number.
BEFORE_HIGH = {"systolic": 140, "diastolic": 90}
VERY_HIGH = {"systolic": 180, "diastolic": 110}
FLAG_CODES = ("bp_before_high", "bp_very_high")


def _integer(low: int, high: int, description: str, **kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high),
                          metadata={"description": description}, **kwargs)


class ReadingInSchema(Schema):
    taken_at = AwareDateTime(required=True, metadata={
        "description": "When it was measured, RFC 3339 with offset; on the session's local "
                       "date, the day before or the day after."})
    phase = fields.String(required=True, validate=validate.OneOf(READING_PHASES), metadata={
        "description": "before (dosing), during or after the session."})
    systolic = _integer(60, 260, "mmHg, 60-260.", required=True)
    diastolic = _integer(30, 160, "mmHg, 30-160, below systolic.", required=True)
    heart_rate = _integer(30, 220, "Beats per minute, 30-220.", allow_none=True,
                          load_default=None)
    spo2 = _integer(50, 100, "Oxygen saturation, percent, 50-100.", allow_none=True,
                    load_default=None)

    @validates_schema
    def diastolic_below_systolic(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("diastolic") is not None and data.get("systolic") is not None \
                and data["diastolic"] >= data["systolic"]:
            raise ValidationError("Must be below systolic.", "diastolic")


class ReadingSchema(Schema):
    taken_at = fields.String(metadata={"format": "date-time",
                                       "description": "In UTC, e.g. 2026-03-02T15:30:00+00:00."})
    phase = fields.String(metadata={"enum": list(READING_PHASES)})
    systolic = fields.Integer()
    diastolic = fields.Integer()
    heart_rate = fields.Integer(allow_none=True)
    spo2 = fields.Integer(allow_none=True)


class ThresholdSchema(Schema):
    systolic = fields.Integer()
    diastolic = fields.Integer()


class FlagSchema(Schema):
    code = fields.String(metadata={"enum": list(FLAG_CODES), "description":
                                   "bp_before_high: a reading before dosing at or above "
                                   "140 systolic or 90 diastolic; bp_very_high: any reading "
                                   "at or above 180 systolic or 110 diastolic."})
    systolic = fields.Integer()
    diastolic = fields.Integer()
    taken_at = fields.String(metadata={"format": "date-time"})
    phase = fields.String()
    threshold = fields.Nested(ThresholdSchema, metadata={
        "description": "The numbers the reading reached (show these; clients keep no copy)."})


def normalized_readings(readings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Readings as stored: every field present, taken_at in UTC, sorted by time (readings
    at the same moment keep the order sent)."""
    ordered = sorted(readings, key=lambda reading: reading["taken_at"])
    return [{"taken_at": reading["taken_at"].astimezone(UTC).isoformat(),
             "phase": reading["phase"], "systolic": reading["systolic"],
             "diastolic": reading["diastolic"], "heart_rate": reading.get("heart_rate"),
             "spo2": reading.get("spo2")} for reading in ordered]


def check_taken_at(readings: Sequence[Mapping[str, Any]], *, session_date: date,
                   timezone: str) -> None:
    """Each reading on the session's local date ±1 day, or 422 naming vitals.N.taken_at."""
    for index, reading in enumerate(readings):
        day = local_date_of(reading["taken_at"], timezone)
        if abs((day - session_date).days) > 1:
            raise Invalid(f"vitals.{index}.taken_at",
                          "Must be on the session's date, the day before or the day after "
                          f"({(session_date - timedelta(days=1)).isoformat()} to "
                          f"{(session_date + timedelta(days=1)).isoformat()}).")


def _reaches(reading: Mapping[str, Any], threshold: Mapping[str, int]) -> bool:
    return (reading["systolic"] >= threshold["systolic"]
            or reading["diastolic"] >= threshold["diastolic"])


def _flag(code: str, reading: Mapping[str, Any], threshold: Mapping[str, int]
          ) -> dict[str, Any]:
    return {"code": code, "systolic": reading["systolic"], "diastolic": reading["diastolic"],
            "taken_at": reading["taken_at"], "phase": reading["phase"],
            "threshold": dict(threshold)}


def flags(readings: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The flags of stored readings (sorted by time): at most one of each code, for the
    first reading that reaches it. They inform; nothing is refused because of them."""
    readings = readings or []
    found = []
    before = next((r for r in readings if r["phase"] == "before"
                   and _reaches(r, BEFORE_HIGH)), None)
    if before is not None:
        found.append(_flag("bp_before_high", before, BEFORE_HIGH))
    very = next((r for r in readings if _reaches(r, VERY_HIGH)), None)
    if very is not None:
        found.append(_flag("bp_very_high", very, VERY_HIGH))
    return found


def flagged_on(readings: Sequence[Mapping[str, Any]], session_date: date) -> date | None:
    """What treatments.bp_flagged_on holds: the session's date when any flag is raised."""
    return session_date if flags(readings) else None


def first_of_phase(readings: Sequence[Mapping[str, Any]], phase: str
                   ) -> Mapping[str, Any] | None:
    return next((r for r in readings or [] if r["phase"] == phase), None)


def parse_taken_at(text: str) -> datetime:
    return datetime.fromisoformat(text)
