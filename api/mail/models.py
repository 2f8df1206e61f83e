"""Queued email: one row per message, until it is sent or given up on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, utcnow


class QueuedMail(db.Model):  # type: ignore[name-defined]
    """No user_id: a notice that an account was deleted outlives the account. The body is
    rendered when queued (in the account's language) and holds no health data."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # Due from this time; a sender pushes it forward while it tries (its claim), and after
    # a failure (the wait before the next try). None: given up.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow,
                                                             index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = created_at_column()
