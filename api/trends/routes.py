"""GET /trends: the daily series, session markers and session analysis in one response."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from api.auth.guard import current_user, login_required
from api.calendar import resolve_range
from api.db import db
from api.extensions import Blueprint
from api.fields import RangeQuerySchema
from api.trends import service
from api.trends.schemas import TrendsSchema

blp = Blueprint("trends", __name__, url_prefix="/api/v1",
                description="Scores over time and whether each treatment series helped")


@blp.route("/trends")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.response(200, TrendsSchema)
def trends(query: dict[str, Any]) -> Any:
    """Daily scores with 7-day averages, session markers and the session analysis"""
    user = current_user()
    start, end = resolve_range(query.get("start"), query.get("end"), user.timezone)
    with db.read(then_keep=True):  # a stale kept analysis is stored once the read ends
        body = service.trends(user=user, start=start, end=end)
    # Already JSON-ready from the analysis: skip a second pass through marshmallow, which
    # would cost more than the analysis itself for years of data. The schema documents it.
    return jsonify(body)
