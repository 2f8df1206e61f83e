"""Strict marshmallow fields shared by every resource: JSON types are never coerced."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import zoneinfo
from functools import cache
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from api.domain import Invalid


def Score(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An integer 0–10; 5.5, "5" and true are rejected, not rounded or cast."""
    kwargs.setdefault("allow_none", True)
    return fields.Integer(strict=True, validate=validate.Range(0, 10), **kwargs)


class StrictFloat(fields.Float):
    """A JSON number; strings, booleans, NaN and infinities are rejected."""

    def _validated(self, value: Any) -> float:
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        result = super()._validated(value)
        if not math.isfinite(result):
            raise self.make_error("special")
        return result


class Text(fields.String):
    """A string that PostgreSQL and SQLite both store faithfully.

    NUL bytes and lone surrogates (valid in JSON, not in UTF-8 text columns) are
    refused with a message instead of failing at the database.
    """

    default_error_messages = {"bad_characters": "Contains characters that cannot be stored."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("bad_characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise self.make_error("bad_characters") from error
        return text


class StrictBoolean(fields.Boolean):
    """true or false only. (A truthy set of {True} would still take 1 and 0, which
    compare equal to True and False.)"""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictDate(fields.Date):
    """YYYY-MM-DD only; 2023-02-30 and "today" are errors."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if not isinstance(value, str) or len(value) != 10:
            raise self.make_error("invalid", input=value, obj_type="date")
        return super()._deserialize(value, attr, data, **kwargs)


class AwareDateTime(fields.AwareDateTime):
    """An ISO 8601 date-time that must carry its UTC offset."""

    default_error_messages = {
        "invalid_awareness": "Must include a time zone offset, e.g. 2026-03-01T09:30:00-05:00.",
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type="datetime")
        return super()._deserialize(value, attr, data, **kwargs)


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(name: str) -> None:
    if name not in known_timezones():
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Berlin or America/Chicago.")


def parse_date(value: str, field: str = "date") -> dt.date:
    """Parse a YYYY-MM-DD path or query value, raising a 422 naming `field`."""
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(field, "Not a valid date; use YYYY-MM-DD.") from None


class RangeQuerySchema(Schema):
    """?from=&to= on every list, trend and export."""

    start = StrictDate(data_key="from", metadata={"description": "First day, YYYY-MM-DD."})
    end = StrictDate(data_key="to", metadata={"description": "Last day, YYYY-MM-DD."})
