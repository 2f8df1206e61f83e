"""Strict marshmallow fields shared by every resource: JSON types are never coerced."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import uuid
from functools import cache
from importlib import resources
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError as NoRoute

from api.domain import Invalid


def Score(**kwargs: Any) -> fields.Integer:  # noqa: N802 - reads like a field class
    """An integer 0–10; 5.5, "5" and true are rejected, not rounded or cast."""
    kwargs.setdefault("allow_none", True)
    return fields.Integer(strict=True, validate=validate.Range(0, 10), **kwargs)


class StrictFloat(fields.Float):
    """A JSON number; strings, booleans, NaN and infinities are rejected."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        result = super()._deserialize(value, attr, data, **kwargs)
        if not math.isfinite(result):
            raise self.make_error("special")
        return result + 0.0  # -0.0 becomes 0.0: a sign on zero means nothing here


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


# The one rule for dates from clients (paths, queries, bodies): YYYY-MM-DD, a real day,
# 1900 or later. Python's fromisoformat alone would also take week dates (2026-W01-1),
# ordinal dates and the basic format, and quietly turn them into some other day.
DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST = dt.date(1900, 1, 1)
NOT_A_DATE = "Not a valid date; use YYYY-MM-DD."
TOO_EARLY = f"Must be {EARLIEST.isoformat()} or later."


def iso_date(text: Any) -> dt.date:
    """A client's date, or ValueError with the message to show them."""
    if not isinstance(text, str) or not DATE_FORMAT.fullmatch(text):
        raise ValueError(NOT_A_DATE)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(NOT_A_DATE) from None
    if day < EARLIEST:
        raise ValueError(TOO_EARLY)
    return day


class StrictDate(fields.Date):
    """YYYY-MM-DD only, from 1900 on; 2023-02-30, 2026-W01-1 and "today" are errors."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        try:
            return iso_date(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None


# RFC 3339 section 5.6 date-time: seconds are required, the fraction has at most the six
# digits Python keeps (a seventh would be cut off silently), the offset is Z or ±HH:MM.
# "T" and "Z" may be lower case, as section 5.6 allows; a space separator, the basic
# format (20260301T093000Z), week dates and offsets with seconds are not RFC 3339.
DATETIME_FORMAT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|(?P<sign>[+-])(?P<offset_hours>[0-9]{2}):(?P<offset_minutes>[0-9]{2}))?"
)


class AwareDateTime(fields.AwareDateTime):
    """An RFC 3339 date-time with its UTC offset, e.g. 2026-03-01T09:30:00-05:00.

    Years run from 1900 (as for dates) to 9998, so that the instant has a local date in
    every time zone: near year 1 or 9999 Python cannot represent it (OverflowError).
    """

    default_error_messages = {
        "invalid": "Not a valid date-time; use RFC 3339, e.g. 2026-03-01T09:30:00-05:00.",
        "invalid_awareness": "Must include a time zone offset, e.g. 2026-03-01T09:30:00-05:00.",
        "fraction": "At most 6 digits after the decimal point (microseconds).",
        "too_early": TOO_EARLY,
        "too_late": "Must be before the year 9999.",
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        parts = DATETIME_FORMAT.fullmatch(value) if isinstance(value, str) else None
        if parts is None:
            raise self.make_error("invalid")
        if parts["offset"] is None:
            raise self.make_error("invalid_awareness")
        fraction = parts["fraction"] or "0"
        if len(fraction) > 6:
            raise self.make_error("fraction")
        try:
            day = iso_date(parts["date"])
        except ValueError as error:
            if str(error) == TOO_EARLY:
                raise self.make_error("too_early") from None
            raise self.make_error("invalid") from None
        if day.year > 9998:
            raise self.make_error("too_late")
        offset = dt.timedelta(0)
        if parts["sign"]:
            hours, minutes = int(parts["offset_hours"]), int(parts["offset_minutes"])
            if hours > 23 or minutes > 59:
                raise self.make_error("invalid")
            offset = (1 if parts["sign"] == "+" else -1) * dt.timedelta(hours=hours,
                                                                        minutes=minutes)
        try:
            clock = dt.time(int(parts["hour"]), int(parts["minute"]), int(parts["second"]),
                            int(fraction.ljust(6, "0")))
        except ValueError:  # 24:00, minute 60, leap second 60: Python has no such time
            raise self.make_error("invalid") from None
        return dt.datetime.combine(day, clock, tzinfo=dt.timezone(offset))


@cache
def known_timezones() -> frozenset[str]:
    """The names of the IANA time zone database, as the tzdata package lists them.

    Not zoneinfo.available_timezones(): that walks the system's zoneinfo folder too, and
    so takes files that are no zones of the database (localtime, posixrules, posix/…,
    right/… with leap seconds). Factory is IANA's placeholder for "not configured".
    """
    names = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(names) - {"Factory"}


def validate_timezone(name: str) -> None:
    if name not in known_timezones():
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Berlin or America/Chicago.")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def parse_uuid(value: str, field: str = "id") -> uuid.UUID:
    """A UUID from a URL path (a session's or a response's id), or a 422 naming it."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Invalid(field, "Not a valid UUID.") from None


def parse_date(value: str, field: str = "date") -> dt.date:
    """Parse a YYYY-MM-DD path value, raising a 422 naming `field`."""
    try:
        return iso_date(value)
    except ValueError as error:
        raise Invalid(field, str(error)) from None


# Ids are 32-bit integers in the database (PostgreSQL's integer; SQLite's are wider).
MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a row id written as ASCII digits without a leading zero, at
    most MAX_ID; anything else ("²", "٥", "01", "-1", 2147483648) matches no route, so 404.
    (Werkzeug's own int converter takes any Unicode digit and any size.)"""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NoRoute()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


# A query parameter's integer: ASCII digits only, as JSON would write it. int() alone would
# also read "٥", "5_0", "+5" and " 5" as numbers.
QUERY_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,9})")


class QueryInteger(fields.Integer):
    """An integer in a query string, e.g. ?limit=50; see QUERY_INTEGER."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if not isinstance(value, str) or not QUERY_INTEGER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def no_surrounding_spaces(value: str) -> None:
    """Words a person typed are stored as they are: spaces around them are refused, never
    trimmed away silently."""
    if value != value.strip():
        raise ValidationError("Must not start or end with spaces.")


class RangeQuerySchema(Schema):
    """?from=&to= on every list, trend and export."""

    start = StrictDate(data_key="from", metadata={"description": "First day, YYYY-MM-DD."})
    end = StrictDate(data_key="to", metadata={"description": "Last day, YYYY-MM-DD."})
