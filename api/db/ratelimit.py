"""A Flask-Limiter store in the app's own database, so per-IP limits hold across every
gunicorn worker and instance with no extra service. Redis (RATELIMIT_STORAGE_URI=redis://)
remains the choice for very busy installs."""

from __future__ import annotations

import time

from flask import has_app_context, has_request_context, request
from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from api.db.core import db


class RateLimitCounter(db.Model):  # type: ignore[name-defined]
    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)  # UNIX time, as the limits library uses


class DatabaseStorage(Storage):
    """Fixed-window counters in `rate_limit_counters` (RATELIMIT_STORAGE_URI=database://).

    Every count is a short transaction of its own (db.separately()), committed whatever
    happens to the request it limits: a refused guess counts as much as an accepted one.

    What a count left (the count and when its window ends) is kept for the rest of the
    request (`_seen`): that request's X-RateLimit-* and Retry-After headers are read from
    it, not by two more queries per limit (`get`, `get_expiry`).
    """

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @staticmethod
    def _ready() -> None:
        assert has_app_context(), "the database rate-limit store needs the app"

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        table = RateLimitCounter.__table__
        self._ready()
        for _attempt in range(3):
            now = time.time()
            try:
                with db.separately() as connection:
                    # One statement counts a live window or starts a new one over an ended
                    # one, under the row's lock (PostgreSQL; SQLite's write lock).
                    window_ended = table.c.expires_at <= now
                    updated = connection.execute(
                        update(table).where(table.c.key == key).values(
                            count=case((window_ended, amount), else_=table.c.count + amount),
                            expires_at=case((window_ended, now + expiry),
                                            else_=table.c.expires_at))
                        .returning(table.c.count, table.c.expires_at)
                    ).first()
                    if updated is not None:
                        counted = (int(updated[0]), float(updated[1]))
                    else:
                        # New keys are rare (one per IP and limit): sweep old ones then.
                        connection.execute(delete(table).where(table.c.expires_at < now - 3600))
                        connection.execute(table.insert().values(
                            key=key, count=amount, expires_at=now + expiry))
                        counted = (amount, now + expiry)
            except IntegrityError:
                continue  # another worker created the key first: count again
            self._seen()[key] = counted
            return counted[0]
        raise SQLAlchemyError("rate-limit counter did not settle")

    @staticmethod
    def _seen() -> dict[str, tuple[int, float]]:
        """The counters this request counted or read: key → (count, expires_at). Outside a
        request (a command), nothing is kept."""
        if not has_request_context():
            return {}
        seen: dict[str, tuple[int, float]] = request.environ.setdefault(
            "relieflog.rate_limit_rows", {})
        return seen

    def _row(self, key: str) -> tuple[int, float] | None:
        table = RateLimitCounter.__table__
        self._ready()
        seen = self._seen()
        if key not in seen:
            with db.peek() as connection:
                row = connection.execute(
                    select(table.c.count, table.c.expires_at).where(table.c.key == key)
                ).first()
            if row is None:
                return None
            seen[key] = (int(row[0]), float(row[1]))
        return seen[key]

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row[0]) if row is not None and row[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return float(row[1]) if row is not None else time.time()

    def check(self) -> bool:
        self._ready()
        with db.peek() as connection:
            connection.execute(text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        self._ready()
        self._seen().clear()
        with db.separately() as connection:
            return connection.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__
        self._ready()
        self._seen().pop(key, None)
        with db.separately() as connection:
            connection.execute(delete(table).where(table.c.key == key))
