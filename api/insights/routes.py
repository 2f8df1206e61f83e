"""GET /insights (what goes with better days) and GET /insights/week (Today's "Your week")."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from api.auth.guard import current_user, login_required
from api.calendar import check_loggable, local_today, resolve_range
from api.db import db, reads
from api.extensions import Blueprint
from api.fields import RangeQuerySchema
from api.insights.schemas import InsightsSchema, WeekQuerySchema, WeekSchema
from api.summaries.kept_insights import kept_insights, week

blp = Blueprint("insights", __name__, url_prefix="/api/v1",
                description="What goes with better days, and the patient's week")


@blp.route("/insights")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.response(200, InsightsSchema)
def insights(query: dict[str, Any]) -> Any:
    """Tags, side effects and medications against pain and mood (default: last 90 days)"""
    user = current_user()
    start, end = resolve_range(query.get("start"), query.get("end"), user.timezone)
    # JSON-ready and kept (api/summaries/kept_insights.py); the schema documents it.
    with db.read(then_keep=True):  # stale insights are stored once the read ends
        body = kept_insights(user_id=user.id, start=start, end=end,
                             today=local_today(user.timezone))
    return jsonify(body)


@blp.route("/insights/week")
@login_required
@blp.arguments(WeekQuerySchema, location="query")
@blp.response(200, WeekSchema)
@reads
def your_week(query: dict[str, Any]) -> Any:
    """The week before this one (or `date`'s) against the week before it: days logged, pain,
    mood, sessions, check-ins"""
    user = current_user()
    day = query.get("date") or local_today(user.timezone)
    check_loggable(day, user.timezone)  # the phone's today may be a day ahead, never more
    return jsonify(week(user_id=user.id, today=day))
