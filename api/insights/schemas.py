"""The insights responses, documented field by field with the rule behind each number
(docs/insights.md explains them in plain words)."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.fields import StrictDate


def doc(text: str) -> dict[str, str]:
    return {"description": text}


class ComparisonSchema(Schema):
    with_ = fields.Float(data_key="with", allow_none=True, metadata=doc(
        "Average on days with the factor, each treatment phase weighted as in diff."))
    without = fields.Float(allow_none=True, metadata=doc(
        "Average on days without it, weighted the same way."))
    diff = fields.Float(allow_none=True, metadata=doc(
        "with - without, in points as logged, pooled over the phases (baseline week, the 7 "
        "days after a session, session days, other days) that have days both with and "
        "without; null when fewer than 5 such days with or without carry this score."))
    ci = fields.List(fields.Float(), allow_none=True, metadata=doc(
        "[lo, hi]: bootstrap interval, 95 % for pain and mood together (fixed seed)."))
    strength = fields.String(allow_none=True, metadata=doc(
        "clear: the interval excludes 0 and |diff| >= 1; none: the interval lies within 1 "
        "point of 0; else unclear."))


class FactorSchema(Schema):
    kind = fields.String(metadata=doc("tag, side_effect or medication"))
    name = fields.String()
    days_with = fields.Integer(metadata=doc("Logged days with it in the phases compared."))
    days_without = fields.Integer(metadata=doc("Logged days without it in those phases."))
    pain = fields.Nested(ComparisonSchema)
    mood = fields.Nested(ComparisonSchema)
    strength = fields.String(allow_none=True, metadata=doc("The stronger of pain's and mood's."))
    together_with = fields.List(fields.String(), metadata=doc(
        "Factors present with this one on at least 80 % of the days either is present: "
        "their effects cannot be told apart."))


class TooFewSchema(Schema):
    kind = fields.String()
    name = fields.String()
    days_with = fields.Integer()
    days_without = fields.Integer()


class InsightsSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    min_days = fields.Integer(metadata=doc("Days needed with and without a factor."))
    factors = fields.List(fields.Nested(FactorSchema))
    too_few = fields.List(fields.Nested(TooFewSchema), metadata=doc(
        "Factors with fewer than min_days days with or without: what is missing."))


class WeekQuerySchema(Schema):
    date = StrictDate(metadata=doc(
        "The phone's today (YYYY-MM-DD, not after tomorrow); default the account's today."))


class WeekAverageSchema(Schema):
    average = fields.Float(allow_none=True)
    previous = fields.Float(allow_none=True, metadata=doc("The week before's average."))
    change = fields.Float(allow_none=True, metadata=doc(
        "average - previous, computed exactly, rounded once."))


class WeekSchema(Schema):
    week_start = fields.Date(metadata=doc("Monday of last week (the patient's time zone)."))
    week_end = fields.Date()
    first_day = fields.Boolean(metadata=doc("Whether today is the first day of the week."))
    days_logged = fields.Integer()
    pain = fields.Nested(WeekAverageSchema)
    mood = fields.Nested(WeekAverageSchema)
    sessions = fields.Integer()
    checkins = fields.Integer(metadata=doc("Questionnaires answered last week."))
