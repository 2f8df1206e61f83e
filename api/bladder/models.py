"""A patient's answers to the weekly bladder question, one per local date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import created_at_column, updated_at_column

CONTENT_FIELDS = ("symptoms",)


class BladderCheck(db.Model):  # type: ignore[name-defined]
    __tablename__ = "bladder_checks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    # Which of api/vocabulary.py BLADDER_SYMPTOMS; [] is "none of them".
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()  # answered_at
