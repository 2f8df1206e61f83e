"""Recording security events. Only `record` writes; nothing updates or deletes a row
(account deletion removes the account's rows with everything else)."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from api.audit.models import EVENTS, AuditEvent
from api.browsers import browser_of
from api.extensions import begin_write, db


def record(*, user_id: int, event: str, detail: str = "") -> None:
    """Add one event to the patient's log, flushed with the request's own commit."""
    assert event in EVENTS, event
    if not detail and has_request_context():
        detail = browser_of(request.headers.get("User-Agent", ""))
    db.session.add(AuditEvent(user_id=user_id, event=event, detail=detail[:200]))


def record_now(*, user_id: int, event: str, detail: str = "") -> None:
    """Record and commit at once, from a read-only (GET) request such as a download."""
    begin_write()
    record(user_id=user_id, event=event, detail=detail)
    db.session.commit()


def recent(*, user_id: int, limit: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    ))
