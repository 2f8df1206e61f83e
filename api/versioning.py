"""ETag / If-Match for versioned rows: a stale write is refused, never applied."""

from __future__ import annotations

from typing import Any

from flask import request

from api.errors import PROBLEM_JSON, Problem, ProblemSchema

# OpenAPI for the 412 answer of a versioned write.
STALE_DOC: dict[str, Any] = {
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "If-Match names an older version; `current` holds the stored one.",
}


def etag_for(version: int) -> str:
    return f'"{version}"'


def if_match_fails(current_version: int | None) -> bool:
    """True when the request's If-Match does not name the current version.

    No If-Match: the write proceeds (last write wins, the loser kept in history).
    `*` matches any existing row; nothing matches a row that does not exist.
    """
    if_match = request.if_match
    if not if_match:
        return False
    if current_version is None:
        return True
    if if_match.star_tag:
        return False
    return not if_match.contains_weak(str(current_version))


class StaleVersion(Exception):
    """Raised by a service when If-Match names another version; carries the current row."""

    def __init__(self, current: Any) -> None:
        super().__init__("stale version")
        self.current = current


def stale(current: dict[str, Any] | None, version: int | None) -> Problem:
    headers = {"ETag": etag_for(version)} if version is not None else {}
    return Problem(
        412,
        "This was changed elsewhere since you loaded it. Compare the current version "
        "and save again.",
        headers=headers,
        current=current,
    )


def never_stale(_version: int | None) -> bool:
    """For writes that carry no precondition (a POST creating a new row)."""
    return False
