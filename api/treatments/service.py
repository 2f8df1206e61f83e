"""Treatment sessions, keyed by a client-chosen UUID so offline replays are harmless."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date
from functools import partial
from typing import Any

from sqlalchemy import select

from api.auth.models import Account
from api.calendar import check_loggable, local_date_of
from api.errors import Problem
from api.extensions import db
from api.models import insert_unless_taken
from api.treatments.models import CONTENT_FIELDS, Treatment
from api.versioning import StaleVersion

NOT_FOUND = "No such treatment session."


def _content(data: dict[str, Any]) -> dict[str, Any]:
    content = {field: data.get(field) for field in CONTENT_FIELDS}
    content["started_at"] = data["started_at"].astimezone(UTC)  # as stored and read back
    content["side_effects"] = list(dict.fromkeys(data.get("side_effects") or []))
    return content


def find_treatment(*, user: Account, treatment_id: uuid.UUID, for_update: bool = False
                   ) -> Treatment | None:
    query = select(Treatment).where(Treatment.id == treatment_id)
    if for_update:
        query = query.with_for_update()
    row = db.session.scalar(query)
    # Another patient's session is indistinguishable from a missing one.
    return row if row is not None and row.user_id == user.id else None


def _exists_for_someone_else(treatment_id: uuid.UUID, user: Account) -> bool:
    owner = db.session.scalar(select(Treatment.user_id).where(Treatment.id == treatment_id))
    return owner is not None and owner != user.id


def put_treatment(
    *,
    user: Account,
    treatment_id: uuid.UUID,
    data: dict[str, Any],
    precondition_failed: Callable[[int | None], bool],
) -> tuple[Treatment, bool]:
    """Create or replace a session; returns (treatment, created). Identical replays
    change nothing; a UUID owned by another patient is 404 and left untouched."""
    content = _content(data)
    local_date = local_date_of(content["started_at"], user.timezone)
    check_loggable(local_date, user.timezone, field="started_at")
    for _attempt in range(3):
        if _exists_for_someone_else(treatment_id, user):
            raise Problem(404, NOT_FOUND)
        row = find_treatment(user=user, treatment_id=treatment_id, for_update=True)
        if precondition_failed(row.version if row else None):
            raise StaleVersion(row)
        if row is None:
            row = Treatment(id=treatment_id, user_id=user.id, local_date=local_date, version=1,
                            **content)
            if insert_unless_taken(partial(db.session.add, row)):
                return row, True
            continue
        if row.content() == content:
            return row, False
        for field, value in content.items():
            setattr(row, field, value)
        row.local_date = local_date
        row.version += 1
        db.session.flush()
        return row, False
    raise RuntimeError("treatment upsert did not settle")  # pragma: no cover


def delete_treatment(*, user: Account, treatment_id: uuid.UUID,
                     precondition_failed: Callable[[int | None], bool]) -> None:
    row = find_treatment(user=user, treatment_id=treatment_id, for_update=True)
    if row is None:
        raise Problem(404, NOT_FOUND)
    if precondition_failed(row.version):
        raise StaleVersion(row)
    db.session.delete(row)


def list_treatments(*, user: Account, start: date, end: date) -> list[Treatment]:
    return list(
        db.session.scalars(
            select(Treatment)
            .where(Treatment.user_id == user.id, Treatment.local_date >= start,
                   Treatment.local_date <= end)
            .order_by(Treatment.started_at, Treatment.id)
        )
    )
