"""Reminder settings, push subscriptions (one per device), what was sent, snoozes, and the
sender's lease."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, updated_at_column

DEFAULT_TIME = "20:00"
DEVICES_PER_ACCOUNT = 10


class ReminderSettings(db.Model):  # type: ignore[name-defined]
    """A patient's choices; no row means everything is off."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    daily_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # "HH:MM", the patient's local time in their account's time zone.
    daily_time: Mapped[str] = mapped_column(String(5), default=DEFAULT_TIME)
    after_session: Mapped[bool] = mapped_column(Boolean, default=False)
    questionnaires: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = updated_at_column()


class PushSubscription(db.Model):  # type: ignore[name-defined]
    """One device's push endpoint (normalised). The endpoint is unique: a device belongs to
    the patient who last subscribed it. At most DEVICES_PER_ACCOUNT per patient."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
    # Failed pushes since the last one that got through, and when the first of them was:
    # the sender deletes a device that keeps failing (see api/reminders/sender.py).
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReminderSend(db.Model):  # type: ignore[name-defined]
    """A reminder that went out (or was claimed by the sender about to send it): at most one
    per patient, kind and local date, whichever sender runs."""

    __tablename__ = "reminder_sends"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # daily, after_session, questionnaire:<instrument>, snooze:<id>
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = created_at_column()
    devices: Mapped[int] = mapped_column(Integer, default=0)


class ReminderSnooze(db.Model):  # type: ignore[name-defined]
    """"Remind me in an hour": one more reminder of a kind at a time."""

    __tablename__ = "reminder_snoozes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SenderLease(db.Model):  # type: ignore[name-defined]
    """Which sender may send now: taken and renewed by a conditional UPDATE/INSERT."""

    __tablename__ = "sender_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
