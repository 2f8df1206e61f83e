"""Daily entries: PUT by local date (idempotent), list by range, history, delete."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.calendar import resolve_range
from api.db import reads, writes
from api.entries import service
from api.entries.schemas import EntryHistorySchema, EntryInSchema, EntryListSchema, EntrySchema
from api.errors import STALE_DOC
from api.extensions import Blueprint
from api.fields import RangeQuerySchema, parse_date
from api.limits import WRITE_LIMITED_DOC, write_limit
from api.versioning import answer, parse_if_match

blp = Blueprint("entries", __name__, url_prefix="/api/v1/entries",
                description="One entry of scores per local calendar date")


@blp.route("")
class Entries(MethodView):
    decorators = [login_required]

    @blp.arguments(RangeQuerySchema, location="query")
    @blp.response(200, EntryListSchema)
    @reads
    def get(self, query: dict[str, Any]) -> Any:
        """Entries from..to, ordered by date (default: the last 90 days)"""
        user = current_user()
        start, end = resolve_range(query.get("start"), query.get("end"), user.timezone)
        return {"items": service.list_entries(user=user, start=start, end=end)}


@blp.route("/<day>")
class EntryByDate(MethodView):
    decorators = [login_required]

    @blp.response(200, EntrySchema)
    @reads
    def get(self, day: str) -> Any:
        """The entry for a date"""
        entry = service.find_entry(user=current_user(), day=parse_date(day))
        return answer(entry)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.arguments(EntryInSchema)
    @blp.response(200, EntrySchema, description="Replaced (or unchanged when identical)")
    @blp.alt_response(201, schema=EntrySchema, description="Created")
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def put(self, data: dict[str, Any], day: str) -> Any:
        """Create or replace the entry for a date"""
        entry, created = service.save_entry(
            user=current_user(), day=parse_date(day), data=data,
            if_match=parse_if_match(request.headers.get("If-Match")))
        return answer(entry, created=created)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.response(204)
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def delete(self, day: str) -> None:
        """Delete the entry for a date (its content stays in history)"""
        service.delete_entry(user=current_user(), day=parse_date(day),
                             if_match=parse_if_match(request.headers.get("If-Match")))


@blp.route("/<day>/history")
@login_required
@blp.response(200, EntryHistorySchema)
@reads
def history(day: str) -> Any:
    """Earlier versions of the entry for a date, newest first"""
    return {"items": service.entry_history(user=current_user(), day=parse_date(day))}
