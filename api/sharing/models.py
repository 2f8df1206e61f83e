"""Read-only links for a provider, the provider's short viewing sessions, and the access log."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, fhir_key_column, utcnow


class Share(db.Model):  # type: ignore[name-defined]
    __tablename__ = "shares"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    # SHA-256 of the link's token: the token itself lives only in the patient's link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The patient's local dates the provider may see; null means no limit on that side.
    range_from: Mapped[date | None] = mapped_column(Date)
    range_to: Mapped[date | None] = mapped_column(Date)
    include_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the report shows "What goes with better days" (off unless the patient ticks it).
    include_insights: Mapped[bool] = mapped_column(Boolean, default=False)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # FHIR ids of this link's downloads come from it (api/formats/fhir.py).
    fhir_key: Mapped[str] = fhir_key_column()

    @property
    def status(self) -> str:
        """active, expired or revoked (revoked wins: the patient's act is what they see)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if utcnow() >= self.expires_at else "active"


class ShareSession(db.Model):  # type: ignore[name-defined]
    """A provider's browser after it exchanged the link's token: the cookie holds a random
    token, this row its SHA-256. The share is re-checked on every request."""

    __tablename__ = "share_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shares.id", ondelete="CASCADE"), index=True
    )
    # Also keyed by patient, so deleting the account removes it without relying on cascades.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # This session's line in the access log: every read it makes updates that one line.
    # Null only for a session opened before the line existed (it gets one on its next read).
    view_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_views.id", ondelete="CASCADE"))


class ShareView(db.Model):  # type: ignore[name-defined]
    """One line of the access log the patient reads, for one viewing session (one exchange
    of the link's token): when it began, what it opened, and a coarse browser name (never
    the raw User-Agent, never an IP address). Reads within the session update the line, so
    a link holder who downloads over and over adds no lines."""

    __tablename__ = "share_views"
    __table_args__ = (db.Index("ix_share_views_share_viewed", "share_id", "viewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    viewed_at: Mapped[datetime] = created_at_column()
    # The last thing the session opened, and everything it opened in order ("page,fhir").
    kind: Mapped[str] = mapped_column(String(24))
    opened: Mapped[str] = mapped_column(String(128))
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    browser: Mapped[str] = mapped_column(String(40))

    @property
    def opened_kinds(self) -> list[str]:
        return self.opened.split(",")
