"""Treatment sessions: one infusion, injection, nasal dose or KAP session each."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, updated_at_column

CONTENT_FIELDS = (
    "started_at",
    "route",
    "medication",
    "dose_mg",
    "dose_mg_per_kg",
    "duration_minutes",
    "with_psychotherapy",
    "phase",
    "clinic",
    "pain_before",
    "pain_after",
    "mood_before",
    "mood_after",
    "dissociation",
    "side_effects",
    "notes",
    "vitals",
    "observation_minutes",
    "concomitant",
)


class Treatment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "treatments"
    __table_args__ = (
        db.Index("ix_treatments_user_started", "user_id", "started_at"),
        # The clinic panel: each patient's latest flagged session (api/treatments/vitals.py).
        db.Index("ix_treatments_user_bp_flagged", "user_id", "bp_flagged_on"),
    )

    # The key is (patient, UUID): the UUID is chosen by the phone, so a session created
    # offline and sent twice is stored once, and any patient may use any UUID.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The patient's calendar date when it started, in their time zone at the time.
    local_date: Mapped[date] = mapped_column(Date)
    route: Mapped[str] = mapped_column(String(20))
    medication: Mapped[str] = mapped_column(String(64), default="ketamine")
    dose_mg: Mapped[float | None] = mapped_column(Float)
    dose_mg_per_kg: Mapped[float | None] = mapped_column(Float)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    with_psychotherapy: Mapped[bool] = mapped_column(Boolean, default=False)
    phase: Mapped[str | None] = mapped_column(String(16))
    clinic: Mapped[str] = mapped_column(String(120), default="")
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    mood_before: Mapped[int | None] = mapped_column(Integer)
    mood_after: Mapped[int | None] = mapped_column(Integer)
    dissociation: Mapped[int | None] = mapped_column(Integer)
    side_effects: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Blood pressure readings (api/treatments/vitals.py), sorted by taken_at.
    vitals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    observation_minutes: Mapped[int | None] = mapped_column(Integer)
    # Sedating medicines taken that day (api/vocabulary.py CONCOMITANT).
    concomitant: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The session's local_date when its readings raise a flag, else null (derived from
    # vitals on every save; api/treatments/vitals.py).
    bp_flagged_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
