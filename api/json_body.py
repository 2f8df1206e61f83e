"""Request bodies: read whole within MAX_CONTENT_LENGTH (chunked ones too), and parsed by
one strict JSON loader that webargs (StrictParser) and Flask (request.get_json, through
StrictJSONProvider) both use, so no code reads a body more leniently than the schemas.

Strict means: UTF-8 only; a key given twice is refused, not "the last one wins"; an
integer of more than MAX_INTEGER_DIGITS digits is refused instead of costing quadratic
time (or failing past Python's 4,300-digit limit); nesting deep enough to exhaust the
parser's recursion is refused. Each is a JSONDecodeError (a ValueError), which webargs
and Flask both answer with 400, never a 500.
"""

from __future__ import annotations

import io
import json
from typing import Any

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider, JSONProvider

from api.errors import Problem

# No field takes more than a few digits; 64-bit integers have at most 20.
MAX_INTEGER_DIGITS = 100


class InvalidJSON(json.JSONDecodeError):
    """JSON this API refuses; `field` names the key it was under ("body" for the whole)."""

    def __init__(self, reason: str, document: str, field: str = "body") -> None:
        super().__init__(reason, document or " ", 0)
        self.reason = reason
        self.field = field


class _Refused(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class _TooManyDigits:
    """Stands in for an over-long integer until the object holding it names its key."""


TOO_MANY_DIGITS = _TooManyDigits()
TOO_MANY_DIGITS_MESSAGE = f"Integers may have at most {MAX_INTEGER_DIGITS} digits."


def _integer(text: str) -> int | _TooManyDigits:
    if len(text) - text.startswith("-") > MAX_INTEGER_DIGITS:
        return TOO_MANY_DIGITS
    return int(text)


def _too_long_at(value: Any) -> str | None:
    """Where in `value` (itself, or inside its lists) an over-long integer sits: "" for the
    value itself, ".1" for its second item; None if nowhere. Objects check their own."""
    pending = [(value, "")]
    while pending:
        item, path = pending.pop()
        if item is TOO_MANY_DIGITS:
            return path
        if isinstance(item, list):
            pending.extend((inner, f"{path}.{index}") for index, inner in enumerate(item))
    return None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(key, "Given more than once.")
        if (where := _too_long_at(value)) is not None:
            raise _Refused(key + where, TOO_MANY_DIGITS_MESSAGE)
        result[key] = value
    return result


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_int=_integer)


def loads(document: str | bytes | bytearray) -> Any:
    """Parse a request body, raising JSONDecodeError for anything this API refuses."""
    if isinstance(document, str):
        text = document
    else:
        try:
            text = bytes(document).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJSON("Not UTF-8 text.", bytes(document).decode("utf-8", "replace")
                              ) from None
    try:
        value = _DECODER.decode(text)
    except _Refused as refused:
        raise InvalidJSON(refused.reason, text, refused.field) from None
    except RecursionError:
        raise InvalidJSON("Nested too deeply.", text) from None
    if _too_long_at(value) is not None:
        raise InvalidJSON(TOO_MANY_DIGITS_MESSAGE, text)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that request.get_json() parses with loads() above."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)


def strict_json_provider(app: Flask) -> JSONProvider:
    """For create_app: app.json, as Flask declares it (a JSONProvider)."""
    return StrictJSONProvider(app)


def read_unsized_body(request: Request, limit: int | None) -> None:
    """Read a body sent without Content-Length (chunked) now, so one over `limit` is 413.

    Werkzeug's own limit on such a stream stops reading at `limit` bytes and returns
    what it has, so an over-long body would be cut short and accepted. It reads them at
    all only when the server says it has de-chunked and ended the stream
    (wsgi.input_terminated, as gunicorn and werkzeug's server do); otherwise the body
    cannot be read safely, which is 411, not an empty body.
    """
    if "wsgi.input_terminated" not in request.environ:
        raise Problem(411, "Send the body with a Content-Length header.",
                      errors={"body": ["This server cannot read a body without a length."]})
    if limit is None:  # MAX_CONTENT_LENGTH = None: no limit was asked for
        request.stream = io.BytesIO(request.input_stream.read())
        return
    received = bytearray()
    while len(received) <= limit:
        chunk = request.input_stream.read(limit + 1 - len(received))
        if not chunk:
            break
        received += chunk
    if len(received) > limit:
        raise body_too_large(limit)
    request.stream = io.BytesIO(bytes(received))  # what get_data() and webargs read


def body_too_large(limit: int) -> Problem:
    message = f"The request body is larger than {limit} bytes."
    return Problem(413, message, errors={"body": [message]})
