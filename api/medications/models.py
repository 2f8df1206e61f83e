"""A patient's medicines beside the treatment: what, how much, since and until when."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import created_at_column, updated_at_column

# What a PUT replaces, and what "the same content" compares (the API's "class" is
# drug_class here: class is a Python keyword).
CONTENT_FIELDS = ("name", "dose", "drug_class", "started_on", "stopped_on", "notes")


class Medication(db.Model):  # type: ignore[name-defined]
    __tablename__ = "medications"

    # (patient, UUID chosen by the phone), as for treatment sessions.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    dose: Mapped[str] = mapped_column(String(60), default="")
    drug_class: Mapped[str] = mapped_column(String(24))
    started_on: Mapped[date] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The dose when first saved (the "started" marker's dose), and every later change
    # of `dose` as {"date": "YYYY-MM-DD", "dose"}, oldest first; kept by the server.
    initial_dose: Mapped[str] = mapped_column(String(60), default="")
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
