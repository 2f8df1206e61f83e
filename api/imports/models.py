"""An import's preview: the uploaded file, kept for an hour until the patient commits
or drops it. Only its owner can see it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column


class ImportPreview(db.Model):  # type: ignore[name-defined]
    __tablename__ = "import_previews"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(16))
    # The file as uploaded (at most IMPORT_MAX_BYTES): read again, with the patient's
    # mapping, when they commit.
    body: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
