"""Recording security events. Only `record` writes; nothing updates or deletes a row
(account deletion removes the account's rows with everything else). The audit log is
below every other domain: it imports none of them."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, or_, select

from api.audit.models import EVENTS, AuditEvent
from api.db import db
from api.domain import Invalid

NO_SUCH_EVENT = "No such event in your security log."


def record(*, user_id: int, event: str, detail: str = "", browser: str = "") -> None:
    """Add one event to the patient's log, in the caller's write transaction. `detail` says
    what the event concerned; an event without one names `browser`, the browser that did
    it (api/browsers.py's words, which the route passes in; the CLI has none)."""
    assert event in EVENTS, event
    db.session.add(AuditEvent(user_id=user_id, event=event, detail=(detail or browser)[:200]))


def recent(*, user_id: int, limit: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    ))


def record_now(*, user_id: int, event: str, detail: str = "") -> None:
    """Record in a short write of its own, after a read (a download logs that it happened)."""
    with db.write():
        record(user_id=user_id, event=event, detail=detail)


def page(*, user_id: int, limit: int, before: int | None = None,
         events: Collection[str] = ()) -> tuple[list[AuditEvent], int | None]:
    """One page of the log, newest first: up to `limit` events (only those named in
    `events`, if any) older than the event with id `before`; and the cursor for the next
    page, None when nothing older is left. A flood of one kind of event (a link holder
    opening a share over and over) so never hides the logins behind it."""
    query = select(AuditEvent).where(AuditEvent.user_id == user_id)
    if events:
        query = query.where(AuditEvent.event.in_(events))
    if before is not None:
        at = db.session.scalar(select(AuditEvent.created_at).where(
            AuditEvent.id == before, AuditEvent.user_id == user_id))
        if at is None:  # unknown, or another patient's: the same answer
            raise Invalid("before", NO_SUCH_EVENT)
        query = query.where(or_(AuditEvent.created_at < at,
                                and_(AuditEvent.created_at == at, AuditEvent.id < before)))
    rows = list(db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)
