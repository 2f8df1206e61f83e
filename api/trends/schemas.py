"""The trends response, documented field by field with the rule behind each number."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.bladder.schemas import BladderCheckSchema
from api.medications.schemas import MedicationMarkerSchema


def doc(text: str) -> dict[str, str]:
    return {"description": text}


class DaySchema(Schema):
    date = fields.Date()
    pain = fields.Integer(allow_none=True, metadata=doc("0 = no pain, 10 = worst pain imaginable."))
    mood = fields.Integer(allow_none=True, metadata=doc("0 = worst mood, 10 = best mood."))
    anxiety = fields.Integer(allow_none=True)
    energy = fields.Integer(allow_none=True)
    sleep_hours = fields.Float(allow_none=True)
    sleep_quality = fields.Integer(allow_none=True)
    pain_avg7 = fields.Float(allow_none=True, metadata=doc(
        "Mean pain of this day and the 6 before; null when fewer than 4 of them are logged."))
    mood_avg7 = fields.Float(allow_none=True, metadata=doc(
        "Mean mood of this day and the 6 before; null when fewer than 4 of them are logged."))


class MarkerSchema(Schema):
    id = fields.String()
    started_at = fields.AwareDateTime()
    local_date = fields.Date()
    route = fields.String()
    medication = fields.String()
    dose_mg = fields.Float(allow_none=True)


class ChangeSchema(Schema):
    after = fields.Float(allow_none=True, metadata=doc(
        "Mean pain over up to 7 days after the session, before the next session."))
    change_abs = fields.Float(allow_none=True, metadata=doc(
        "After minus the series baseline, in points (negative = lower pain, better)."))
    change_pct = fields.Float(allow_none=True, metadata=doc(
        "Signed percent change of After against baseline (-75.0 = 75 % lower, better)."))
    category = fields.String(allow_none=True, metadata=doc(
        "IMMPACT size of the improvement: none (<10 %), minimal (10-29 %), "
        "moderate (30-49 %), substantial (>=50 %)."))
    response = fields.Boolean(allow_none=True, metadata=doc(
        "Pain at least 30 % lower than baseline, read from change_pct as shown."))


class MoodChangeSchema(Schema):
    after = fields.Float(allow_none=True, metadata=doc(
        "Mean mood as logged (higher is better) over up to 7 days after the session, before "
        "the next session."))
    change_abs = fields.Float(allow_none=True, metadata=doc(
        "After minus the series baseline, in mood points (positive = mood rose, better)."))
    toward_best_pct = fields.Float(allow_none=True, metadata=doc(
        "The share of the way from baseline to 10 that After covered, in percent: "
        "100 x (after - baseline) / (10 - baseline); 69.2 = 69.2 % of the way to 10, "
        "negative when mood fell. It equals the reduction of mood severity (10 - mood), "
        "on which the rules compute. Null when baseline is 10 (nothing to improve)."))
    category = fields.String(allow_none=True, metadata=doc(
        "IMMPACT size, read from toward_best_pct: none (<10 %), minimal (10-29 %), "
        "moderate (30-49 %), substantial (>=50 %)."))
    response = fields.Boolean(allow_none=True, metadata=doc(
        "Mood at least half-way to 10 (toward_best_pct >= 50.0 as shown)."))


class ReliefSchema(Schema):
    relief_days = fields.Integer(allow_none=True, metadata=doc(
        "Days after the last session up to the last logged day whose 3-day mean severity "
        "(pain; 10 - mood) was still at most 70 % of baseline's."))
    censored = fields.Boolean(allow_none=True, metadata=doc(
        "True when data ended, a 3-day gap or the next series came first: a lower bound."))


class SeriesMetricSchema(ChangeSchema, ReliefSchema):
    after = fields.Float(allow_none=True, metadata=doc(
        "The After of the series' last session; null with < 3 logged days."))
    baseline = fields.Float(allow_none=True, metadata=doc(
        "Mean pain over the 7 days before the first session; null with < 3 logged."))


class SeriesMoodSchema(MoodChangeSchema, ReliefSchema):
    after = fields.Float(allow_none=True, metadata=doc(
        "Mood as logged: the After of the series' last session; null with < 3 logged days."))
    baseline = fields.Float(allow_none=True, metadata=doc(
        "Mean mood as logged over the 7 days before the first session; null with < 3 "
        "logged."))


class SeriesSchema(Schema):
    index = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date()
    treatment_ids = fields.List(fields.String(), metadata=doc(
        "Sessions no more than 7 days apart; a longer pause starts a new series."))
    pain = fields.Nested(SeriesMetricSchema)
    mood = fields.Nested(SeriesMoodSchema, metadata=doc(
        "Mood as logged, higher is better; the rules compute on 10 - mood, and the "
        "percentage is the share of the way to 10."))


class SessionAnalysisSchema(Schema):
    treatment_id = fields.String()
    series_index = fields.Integer()
    pain = fields.Nested(ChangeSchema)
    mood = fields.Nested(MoodChangeSchema)


class BoosterHintSchema(Schema):
    metric = fields.String()
    median_relief_days = fields.Float(metadata=doc(
        "Median relief of the earlier series (not the current one) whose relief ended on "
        "record after at least one day."))
    day = fields.Integer(metadata=doc("Today's day number after the last session (day 1 = "
                                      "the day after it)."))


class QuestionnairePointSchema(Schema):
    id = fields.UUID()
    answered_at = fields.AwareDateTime()
    local_date = fields.Date()
    total = fields.Float(metadata=doc("PHQ-9 and GAD-7: the sum; PEG: the mean, 1 decimal."))
    severity = fields.String(allow_none=True)
    safety_flag = fields.Boolean(metadata=doc("PHQ-9 item 9 answered above 0."))
    safety_answer = fields.Integer(allow_none=True, metadata=doc(
        "PHQ-9: the exact answer to item 9 (0-3); null for the other instruments."))


class QuestionnaireSeriesSchema(Schema):
    series_index = fields.Integer(metadata=doc("The index of the series in `series`."))
    baseline = fields.Float(allow_none=True, metadata=doc(
        "The latest score in the 14 days before the series' first session started."))
    after = fields.Float(allow_none=True, metadata=doc(
        "The latest score from the day after its last session up to 21 days later, before "
        "the next series starts."))
    change_pct = fields.Float(allow_none=True, metadata=doc(
        "Signed percent change of after against baseline, 1 decimal."))
    response = fields.Boolean(allow_none=True, metadata=doc(
        "At least 50 % lower (PHQ-9, GAD-7) or 30 % lower (PEG), on the shown percentage."))
    remission = fields.Boolean(allow_none=True, metadata=doc(
        "After below 5 (PHQ-9, GAD-7); null for the PEG."))


class InstrumentTrendsSchema(Schema):
    points = fields.List(fields.Nested(QuestionnairePointSchema))
    series = fields.List(fields.Nested(QuestionnaireSeriesSchema))


class TrendsSchema(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    days = fields.List(fields.Nested(DaySchema), metadata=doc("Only logged days, by date."))
    treatments = fields.List(fields.Nested(MarkerSchema))
    series = fields.List(fields.Nested(SeriesSchema))
    sessions = fields.List(fields.Nested(SessionAnalysisSchema))
    booster_hint = fields.Nested(BoosterHintSchema, allow_none=True, metadata=doc(
        "Shown once two or more earlier series (never the current one) had relief that "
        "ended on record after at least one day."))
    questionnaires = fields.Dict(
        keys=fields.String(), values=fields.Nested(InstrumentTrendsSchema), metadata=doc(
            "By instrument (phq9, gad7, peg): only those answered in the range."))
    medications = fields.List(fields.Nested(MedicationMarkerSchema), metadata=doc(
        "Medication starts, dose changes and stops dated in the range, by date."))
    bladder_checks = fields.List(fields.Nested(BladderCheckSchema),
                                 metadata=doc("Answers to the weekly bladder question in the "
                                              "range, by date."))
