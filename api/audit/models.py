"""Append-only security events, one row each, readable by the patient they concern."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import created_at_column

EVENTS = (
    "login_succeeded",
    "login_failed",
    "logged_out",
    "password_changed",
    "password_reset",
    "token_created",
    "token_revoked",
    "share_created",
    "share_revoked",
    "share_viewed",
    "exported",
    "clinic_connected",
    "clinic_notes_on",
    "clinic_notes_off",
    "clinic_disconnected",
    "clinic_viewed",
    "clinic_deleted",
    "clinic_code_changed",
    "clinic_provider_invited",
    "clinic_provider_joined",
    "clinic_provider_removed",
    "password_reset_requested",
    "mfa_enabled",
    "mfa_disabled",
    "mfa_reset",
    "recovery_code_used",
    "passkey_added",
    "passkey_removed",
    "imported",
)


class AuditEvent(db.Model):  # type: ignore[name-defined]
    __tablename__ = "audit_events"
    __table_args__ = (db.Index("ix_audit_events_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    # A few words a patient can read: "Chrome on Android", a token's label, "entries.csv".
    # Never a password, a token, an IP address or health data.
    detail: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = created_at_column()
