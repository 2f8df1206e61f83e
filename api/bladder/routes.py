"""The weekly bladder question: is it due, answer it for a date, list the answers."""

from __future__ import annotations

from typing import Any

from flask import request

from api.auth.guard import current_user, login_required
from api.bladder import service
from api.bladder.schemas import (
    BladderCheckInSchema,
    BladderCheckListSchema,
    BladderCheckSchema,
    BladderDueSchema,
)
from api.calendar import resolve_range
from api.db import reads, writes
from api.errors import STALE_DOC
from api.extensions import Blueprint
from api.fields import RangeQuerySchema, parse_date
from api.limits import WRITE_LIMITED_DOC, write_limit
from api.versioning import answer, parse_if_match

blp = Blueprint("bladder", __name__, url_prefix="/api/v1/bladder-checks",
                description="The weekly bladder question while sessions are frequent")


@blp.route("")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.response(200, BladderCheckListSchema)
@reads
def checks(query: dict[str, Any]) -> Any:
    """Answers from..to, by date (default: the last 90 days)"""
    user = current_user()
    start, end = resolve_range(query.get("start"), query.get("end"), user.timezone)
    return {"items": service.list_checks(user=user, start=start, end=end)}


@blp.route("/due")
@login_required
@blp.response(200, BladderDueSchema)
@reads
def due() -> Any:
    """Whether Today asks the bladder question (4+ sessions in 30 days, none answered in 7)"""
    return service.due(user=current_user())


@blp.route("/<day>", methods=["PUT"])
@login_required
@write_limit
@blp.alt_response(429, **WRITE_LIMITED_DOC)
@blp.arguments(BladderCheckInSchema)
@blp.response(200, BladderCheckSchema, description="Replaced (or unchanged when identical)")
@blp.alt_response(201, schema=BladderCheckSchema, description="Created")
@blp.alt_response(412, **STALE_DOC)
@writes
def put(data: dict[str, Any], day: str) -> Any:
    """Answer the bladder question for a date (not after tomorrow); If-Match as for entries"""
    row, created = service.save_check(
        user=current_user(), day=parse_date(day), data=data,
        if_match=parse_if_match(request.headers.get("If-Match")))
    return answer(row, created=created)
