"""Questionnaire bodies. Which answers a response needs depends on its instrument, so the
answers are checked against the instrument's rules once the instrument is known."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.fields import AwareDateTime, RangeQuerySchema
from api.questionnaires.instruments import FOUR_ANSWERS, INSTRUMENTS
from api.vocabulary import QUESTIONNAIRES

LANGUAGE_DOC = "Language of the wording: en or es (anything else: English)."


def _answer_problem(value: Any, highest: int) -> str | None:
    # JSON true is an int to Python, and 2.0 is not an answer: neither is rounded or cast.
    if type(value) is not int or not 0 <= value <= highest:
        return f"Must be a whole number from 0 to {highest}."
    return None


class ResponseInSchema(Schema):
    instrument = fields.String(required=True, validate=validate.OneOf(QUESTIONNAIRES))
    answered_at = AwareDateTime(required=True, metadata={
        "description": "When it was answered, RFC 3339 with UTC offset."})
    answers = fields.Dict(
        keys=fields.String(), values=fields.Raw(allow_none=True), required=True, metadata={
            "description": "Every item's answer by key (q1, q2, …): 0–3 for PHQ-9 and GAD-7, "
                           "0–10 for the PEG. All are required."})
    difficulty = fields.Raw(load_default=None, metadata={
        "description": "The optional \"how difficult\" item of PHQ-9 and GAD-7: 0–3 or null."})

    @validates_schema(skip_on_field_errors=True)
    def _answers_fit_the_instrument(self, data: dict[str, Any], **_: Any) -> None:
        instrument = INSTRUMENTS[data["instrument"]]
        answers: dict[str, Any] = data["answers"]
        errors: dict[str, list[str]] = {}
        for key in instrument.keys:
            if key not in answers:
                errors[key] = ["Missing answer: every item is required."]
            elif problem := _answer_problem(answers[key], instrument.highest_answer):
                errors[key] = [problem]
        for key in answers.keys() - set(instrument.keys):
            errors[key] = [f"Not an item of {instrument.id}."]
        problems: dict[str, Any] = {"answers": errors} if errors else {}
        difficulty = data["difficulty"]
        if difficulty is not None:
            if not instrument.has_difficulty:
                problems["difficulty"] = [f"{instrument.id} has no difficulty item."]
            elif problem := _answer_problem(difficulty, FOUR_ANSWERS):
                problems["difficulty"] = [problem]
        if problems:
            raise ValidationError(problems)


class ResponseSchema(Schema):
    id = fields.UUID()
    instrument = fields.String()
    answered_at = fields.AwareDateTime()
    local_date = fields.Date(metadata={"description": "The patient's calendar date then."})
    answers = fields.Dict(keys=fields.String(), values=fields.Integer())
    difficulty = fields.Integer(allow_none=True)
    total = fields.Method("_total", metadata={
        "type": "number", "description": "The sum (PHQ-9 0–27, GAD-7 0–21) or the PEG's "
                                          "mean of its three items to one decimal."})
    severity = fields.String(allow_none=True, metadata={
        "description": "The band (minimal, mild, moderate, moderately_severe, severe); "
                       "null for the PEG."})
    safety_flag = fields.Boolean(metadata={
        "description": "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) "
                       "answered above 0."})
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()

    def _total(self, response: Any) -> int | float:
        return as_number(_get(response, "total"))


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def as_number(value: float) -> int | float:
    """A whole score as an int (14, not 14.0); the PEG's mean keeps its decimal."""
    return int(value) if float(value).is_integer() else value


class ResponseListSchema(Schema):
    items = fields.List(fields.Nested(ResponseSchema))


class ResponseQuerySchema(RangeQuerySchema):
    instrument = fields.String(validate=validate.OneOf(QUESTIONNAIRES))


class DefinitionsQuerySchema(Schema):
    lang = fields.String(load_default="en", validate=validate.Length(max=35),
                         metadata={"description": LANGUAGE_DOC})


class DueSchema(Schema):
    instrument = fields.String()
    due_since = fields.Date()
    reason = fields.String(metadata={"description": "never_answered or interval"})


class DueListSchema(Schema):
    items = fields.List(fields.Nested(DueSchema))


class DefinitionsSchema(Schema):
    lang = fields.String()
    items = fields.List(fields.Dict(), metadata={"description": "One definition per instrument."})
    crisis = fields.Dict(metadata={"description": "The install's crisis resources."})
