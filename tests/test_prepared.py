"""Prepared statements (api/prepared.py) read and write exactly what Core would, on the
suite's database (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from api.auth.models import User
from api.entries.models import Entry
from api.extensions import db
from api.models import insert_unless_taken
from api.prepared import Prepared

ENTRIES = Entry.__table__
ON_DAY = select(ENTRIES).where(ENTRIES.c.user_id == bindparam("user_id"),
                               ENTRIES.c.date == bindparam("day"))
PREPARED_ON_DAY = Prepared(ON_DAY)
CREATE = Prepared(insert(ENTRIES))
REPLACE = Prepared(update(ENTRIES).where(ENTRIES.c.id == bindparam("entry_id")))

score = st.none() | st.integers(min_value=0, max_value=10)
contents = st.fixed_dictionaries({
    "pain": score, "mood": score, "anxiety": score, "energy": score,
    "sleep_quality": score,
    "sleep_hours": st.none() | st.floats(min_value=0, max_value=24).map(lambda h: round(h, 2)),
    "side_effects": st.lists(st.sampled_from(["nausea", "dizziness", "dissociation"]),
                             unique=True),
    "tags": st.lists(st.text(min_size=1, max_size=20), max_size=3),
    # Emoji, quotes, any script (the API refuses NUL, which PostgreSQL text cannot hold).
    "notes": st.text(st.characters(exclude_characters="\x00"), max_size=300),
})
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC))


@pytest.fixture
def connection(app: Flask, alice: FlaskClient) -> Iterator[tuple[Connection, int]]:
    email = alice.user["email"]  # type: ignore[attr-defined]
    with app.test_request_context("/", method="POST"):
        user_id = db.session.execute(select(User.id).where(User.email == email)).scalar_one()
        yield db.session.connection(), user_id
        db.session.rollback()


def core_row(connection: Connection, user_id: int, day: date) -> dict:
    return dict(connection.execute(ON_DAY, {"user_id": user_id, "day": day}).one()._mapping)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=contents, created=moments, day=st.dates(date(1990, 1, 1), date(2090, 1, 1)))
def test_a_prepared_write_reads_back_the_same_through_core_and_prepared(
    connection: tuple[Connection, int], content: dict, created: datetime, day: date
) -> None:
    conn, user_id = connection
    with conn.begin_nested() as savepoint:
        row = {**content, "user_id": user_id, "date": day, "version": 1,
               "created_at": created, "updated_at": created}
        assert CREATE.run(conn, row) == 1
        prepared = PREPARED_ON_DAY.first(conn, {"user_id": user_id, "day": day})
        assert prepared == core_row(conn, user_id, day)
        assert prepared is not None
        assert {key: prepared[key] for key in row} == row
        # Types as Core gives them: a date, an aware UTC datetime, lists.
        assert type(prepared["date"]) is date
        assert prepared["created_at"].tzinfo is not None
        assert prepared["created_at"].utcoffset() == timedelta(0)
        assert isinstance(prepared["tags"], list)
        savepoint.rollback()


def test_an_update_names_only_the_columns_given_and_counts_rows(
    connection: tuple[Connection, int],
) -> None:
    conn, user_id = connection
    moment = datetime(2025, 3, 1, 12, tzinfo=UTC)
    CREATE.run(conn, {"user_id": user_id, "date": date(2025, 3, 1), "version": 1,
                      "pain": 7, "mood": 2, "side_effects": [], "tags": ["iv"], "notes": "x",
                      "created_at": moment, "updated_at": moment})
    stored = core_row(conn, user_id, date(2025, 3, 1))
    later = moment + timedelta(hours=1)
    assert REPLACE.run(conn, {"entry_id": stored["id"], "pain": 3, "updated_at": later}) == 1
    assert REPLACE.run(conn, {"entry_id": stored["id"] + 1000, "pain": 1,
                              "updated_at": later}) == 0
    after = core_row(conn, user_id, date(2025, 3, 1))
    assert after == {**stored, "pain": 3, "updated_at": later}


def test_a_duplicate_is_sqlalchemys_integrity_error_without_the_values(
    connection: tuple[Connection, int],
) -> None:
    conn, user_id = connection
    moment = datetime(2025, 3, 2, tzinfo=UTC)
    row = {"user_id": user_id, "date": date(2025, 3, 2), "version": 1, "pain": 5,
           "mood": None, "side_effects": [], "tags": [], "notes": "private note 🌧",
           "created_at": moment, "updated_at": moment}
    CREATE.run(conn, row)
    with pytest.raises(IntegrityError) as raised, conn.begin_nested():
        CREATE.run(conn, {**row, "pain": 6})
    assert "private note" not in str(raised.value)  # health data stays out of logs
    # The race helper sees it as "taken", and the transaction carries on. (Inside the
    # helper's savepoint the connection is asked for again, as the entries service does.)
    assert insert_unless_taken(
        lambda: CREATE.run(db.session.connection(), {**row, "pain": 6})) is False
    assert core_row(conn, user_id, date(2025, 3, 2))["pain"] == 5


def test_a_statement_that_would_need_a_python_default_is_refused(
    connection: tuple[Connection, int],
) -> None:
    conn, user_id = connection
    with pytest.raises(ValueError, match="created_at"):
        Prepared(insert(ENTRIES)).run(conn, {"user_id": user_id, "date": date(2025, 3, 3),
                                             "pain": 1})
    assert conn.execute(ON_DAY, {"user_id": user_id, "day": date(2025, 3, 3)}).first() is None
