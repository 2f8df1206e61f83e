"""Questionnaire responses: one answered PHQ-9, GAD-7 or PEG each."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, updated_at_column

# What the patient sent; the rest of a row is derived from it by the server.
CONTENT_FIELDS = ("instrument", "answered_at", "answers", "difficulty")


class QuestionnaireResponse(db.Model):  # type: ignore[name-defined]
    __tablename__ = "questionnaire_responses"
    __table_args__ = (
        db.Index("ix_questionnaire_responses_user_answered", "user_id", "answered_at"),
    )

    # Keyed by (patient, UUID) like treatment sessions: the phone makes the UUID, so an
    # answer queued offline and sent twice is stored once.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    instrument: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The patient's calendar date when answered, in their time zone then.
    local_date: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, int]] = mapped_column(JSON)
    difficulty: Mapped[int | None] = mapped_column(Integer)
    # Scored by the server when saved (api/questionnaires/instruments.py); stored so that
    # lists, trends and a clinic's flags are plain queries.
    total: Mapped[float] = mapped_column(Float)
    severity: Mapped[str | None] = mapped_column(String(20))
    safety_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
