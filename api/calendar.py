"""The patient's calendar: local dates in their IANA time zone, and date-range rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from api.domain import Invalid
from api.fields import EARLIEST, TOO_EARLY
from api.models import utcnow

MAX_RANGE_DAYS = 3700
DEFAULT_RANGE_DAYS = 90


def local_today(timezone: str) -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def local_date_of(moment: datetime, timezone: str) -> date:
    """The patient's calendar date at `moment` (a session at 23:30 local is that day)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def check_loggable(day: date, timezone: str, field: str = "date") -> None:
    """A day can be logged from 1900 up to tomorrow in the patient's time zone.

    Tomorrow is allowed because a patient travelling west of their home zone may
    already be living in it.
    """
    if day < EARLIEST:
        raise Invalid(field, TOO_EARLY)
    latest = local_today(timezone) + timedelta(days=1)
    if day > latest:
        raise Invalid(field, f"Must not be later than {latest.isoformat()} (tomorrow).")


def resolve_range(
    start: date | None, end: date | None, timezone: str, *, default_days: int = DEFAULT_RANGE_DAYS
) -> tuple[date, date]:
    """from/to query values, defaulting to the last `default_days` days up to today (and
    never to days before EARLIEST, which no one can log)."""
    end = end or local_today(timezone)
    start = start or max(EARLIEST, end - timedelta(days=default_days - 1))
    if start > end:
        raise Invalid("from", "Must not be after to.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise Invalid("from", f"The range may cover at most {MAX_RANGE_DAYS} days.")
    return start, end
