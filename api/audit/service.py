"""Recording security events. Only `record` writes; nothing updates or deletes a row
(account deletion removes the account's rows with everything else). The audit log is
below every other domain: it imports none of them."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from api.audit.models import EVENTS, AuditEvent
from api.browsers import browser_of
from api.db import db


def record(*, user_id: int, event: str, detail: str = "") -> None:
    """Add one event to the patient's log, in the caller's write transaction."""
    assert event in EVENTS, event
    if not detail and has_request_context():
        detail = browser_of(request.headers.get("User-Agent", ""))
    db.session.add(AuditEvent(user_id=user_id, event=event, detail=detail[:200]))


def recent(*, user_id: int, limit: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    ))


def record_now(*, user_id: int, event: str, detail: str = "") -> None:
    """Record in a short write of its own, after a read (a download logs that it happened)."""
    with db.write():
        record(user_id=user_id, event=event, detail=detail)
